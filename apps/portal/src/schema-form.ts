/**
 * A form rendered from a provider's config schema (JSON Schema, as the API
 * serves it from the provider's zod schema), so a new destination type
 * appears here with no code of its own. Validation is the API's: its issue
 * for a path shows beside the field at that path.
 */
import { h, uid } from './dom';
import type { Issue } from './api/client';

export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/**
 * Fields every provider shares (batching, table mode, routing): shown after
 * the provider's own, under "Delivery", so the connection comes first.
 */
const DELIVERY_FIELDS = ['tableMode', 'autoCreateTables', 'batchSize', 'flushIntervalSec', 'maxConnections', 'eventTypes'];

/** Words a field name holds that read better spelled out. */
const WORDS: Record<string, string> = { tls: 'TLS', ca: 'CA', sec: '(seconds)', ssl: 'SSL', url: 'URL', id: 'ID' };

/** `flushIntervalSec` → `Flush interval (seconds)`; a schema's own description wins as a hint, never as the label. */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_]+/);
  const text = words.map((w) => WORDS[w] ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Field {
  path: string;
  read(): unknown;
  /** Editing a saved value that may go: emptied, it is sent as `null`, which removes it (its default applies). */
  clearable?: boolean;
  /** Where its error goes. */
  error: HTMLElement;
  input: HTMLElement;
}

export interface SchemaForm {
  element: HTMLElement;
  /**
   * The values as the API takes them: empty fields and untouched secrets left
   * out, and, when editing, an optional field emptied as `null` (removed).
   */
  values(): Record<string, unknown>;
  /** Shows each issue beside its field; returns those that have no field. */
  showIssues(issues: Issue[]): Issue[];
  clearIssues(): void;
}

export interface SchemaFormOptions {
  schema: JsonSchema;
  /** Current values (editing): secrets arrive as "[REDACTED]" and are never put in a field. */
  values?: Record<string, unknown>;
  /** Dotted paths of write-only fields. */
  secretPaths: string[];
  editing: boolean;
}

export function schemaForm(options: SchemaFormOptions): SchemaForm {
  const fields: Field[] = [];
  const constants: Record<string, unknown> = {};
  const root = h('div', { className: 'schema-form' });

  const renderObject = (schema: JsonSchema, prefix: string, values: Record<string, unknown>, into: HTMLElement, only?: string[]) => {
    const required = new Set(schema.required ?? []);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (only && !only.includes(name)) continue;
      if (!only && !prefix && DELIVERY_FIELDS.includes(name)) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      if (property.const !== undefined) {
        constants[path] = property.const;
        continue;
      }
      into.appendChild(renderField(name, path, property, values[name], required.has(name)));
    }
  };

  const renderField = (name: string, path: string, schema: JsonSchema, value: unknown, required: boolean): HTMLElement => {
    const id = uid('field');
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const error = h('p', { className: 'field-error', id: errorId });
    const secret = options.secretPaths.includes(path);
    const variants = schema.oneOf ?? schema.anyOf;
    const label = h('label', { htmlFor: id }, labelOf(name), required ? '' : h('span', { className: 'optional' }, ' (optional)'));
    const hints: string[] = [];
    if (schema.description) hints.push(schema.description);

    if (variants && variants.every((v) => v.type === 'object')) {
      return renderVariants(name, path, variants, (value ?? {}) as Record<string, unknown>);
    }

    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    let read: () => unknown;
    const initial = value ?? schema.default;
    if (schema.type === 'boolean') {
      input = h('input', { type: 'checkbox', id, checked: initial === true });
      read = () => (input as HTMLInputElement).checked;
      const wrapper = h('div', { className: 'field checkbox' }, input, label, error);
      input.setAttribute('aria-describedby', errorId);
      fields.push({ path, read, error, input });
      return wrapper;
    }
    if (schema.enum) {
      input = h('select', { id }, required ? null : h('option', { value: '' }, '(default)'), ...schema.enum.map((e) => h('option', { value: String(e), selected: e === initial }, String(e))));
      read = () => (input.value === '' ? undefined : input.value);
    } else if (schema.type === 'integer' || schema.type === 'number') {
      input = h('input', { type: 'number', id, step: schema.type === 'integer' ? '1' : 'any', value: initial === undefined ? '' : String(initial) });
      if (schema.minimum !== undefined) hints.push(`From ${schema.minimum} to ${schema.maximum ?? 'any'}`);
      read = () => (input.value.trim() === '' ? undefined : Number(input.value));
    } else if (schema.type === 'array') {
      input = h('input', { type: 'text', id, value: Array.isArray(initial) ? initial.join(', ') : '' });
      hints.push('Separate several with commas');
      read = () => {
        const list = input.value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        return list.length > 0 ? list : undefined;
      };
    } else if ((schema.maxLength ?? 0) > 10_000) {
      input = h('textarea', { id, rows: 4, value: typeof initial === 'string' ? initial : '' });
      read = () => (input.value.trim() === '' ? undefined : input.value);
    } else {
      const shown = secret || initial === '[REDACTED]' ? '' : typeof initial === 'string' ? initial : '';
      input = h('input', { type: secret ? 'password' : 'text', id, value: shown, autocomplete: secret ? 'new-password' : 'off', spellcheck: false });
      if (secret && options.editing) {
        input.setAttribute('placeholder', 'unchanged');
        hints.push('Write-only: leave empty to keep the saved value');
      }
      read = () => (input.value === '' ? undefined : input.value);
    }
    input.setAttribute('aria-describedby', `${hints.length ? `${hintId} ` : ''}${errorId}`);
    if (required && !(secret && options.editing)) input.setAttribute('aria-required', 'true');
    fields.push({ path, read, error, input, clearable: options.editing && !required && !secret && value !== undefined });
    return h('div', { className: 'field' }, label, input, hints.length ? h('p', { className: 'hint', id: hintId }, hints.join('. ')) : null, error);
  };

  /** An object with modes (auth): the mode chooses which fields follow. */
  const renderVariants = (name: string, path: string, variants: JsonSchema[], value: Record<string, unknown>): HTMLElement => {
    const discriminator = Object.keys(variants[0]?.properties ?? {}).find((key) => variants.every((v) => v.properties?.[key]?.const !== undefined))!;
    const id = uid('field');
    const error = h('p', { className: 'field-error', id: `${id}-error` });
    const select = h(
      'select',
      { id, 'aria-describedby': `${id}-error` },
      ...variants.map((v) => {
        const mode = String(v.properties![discriminator]!.const);
        return h('option', { value: mode, selected: mode === value[discriminator] }, mode);
      }),
    );
    const body = h('div', { className: 'variant-fields' });
    const fieldset = h(
      'fieldset',
      {},
      h('legend', {}, labelOf(name)),
      h('div', { className: 'field' }, h('label', { htmlFor: id }, labelOf(discriminator)), select, error),
      body,
    );
    const renderMode = () => {
      // Fields of the mode left behind go with it.
      for (let i = fields.length - 1; i >= 0; i--) if (fields[i]!.path.startsWith(`${path}.`) && fields[i]!.path !== `${path}.${discriminator}`) fields.splice(i, 1);
      for (const key of Object.keys(constants)) if (key.startsWith(`${path}.`)) delete constants[key];
      body.replaceChildren();
      const variant = variants.find((v) => v.properties![discriminator]!.const === select.value)!;
      renderObject(variant, path, select.value === value[discriminator] ? value : {}, body);
    };
    select.addEventListener('change', renderMode);
    fields.push({ path: `${path}.${discriminator}`, read: () => select.value, error, input: select });
    // An issue on the object itself (`auth` missing) shows at its mode.
    fields.push({ path, read: () => undefined, error, input: select });
    renderMode();
    return fieldset;
  };

  const values = options.values ?? {};
  renderObject(options.schema, '', values, root);
  const delivery = h('fieldset', {}, h('legend', {}, 'Delivery'));
  renderObject(options.schema, '', values, delivery, DELIVERY_FIELDS);
  if (delivery.children.length > 1) root.appendChild(delivery);

  return {
    element: root,
    values() {
      const out: Record<string, unknown> = {};
      const set = (path: string, value: unknown) => {
        const parts = path.split('.');
        let target = out;
        for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
        target[parts[parts.length - 1]!] = value;
      };
      for (const [path, value] of Object.entries(constants)) set(path, value);
      for (const field of fields) {
        const value = field.read();
        if (value !== undefined) set(field.path, value);
        else if (field.clearable) set(field.path, null);
      }
      return out;
    },
    showIssues(issues) {
      this.clearIssues();
      const unplaced: Issue[] = [];
      for (const issue of issues) {
        const field = fields.find((f) => f.path === issue.path);
        if (!field) {
          unplaced.push(issue);
          continue;
        }
        field.error.textContent = field.error.textContent ? `${field.error.textContent}; ${issue.message}` : issue.message;
        field.input.setAttribute('aria-invalid', 'true');
      }
      fields.find((f) => f.input.getAttribute('aria-invalid') === 'true')?.input.focus();
      return unplaced;
    },
    clearIssues() {
      for (const field of fields) {
        field.error.textContent = '';
        field.input.removeAttribute('aria-invalid');
      }
    },
  };
}
