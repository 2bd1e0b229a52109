import { api, ApiError, unwrap, type DestinationTestReport, type Issue } from '../api/client';
import { h, liveRegion, replace, uid } from '../dom';
import type { PageContext } from '../main';
import { schemaForm, type JsonSchema, type SchemaForm } from '../schema-form';

/** The checks of a test, one line each, the failing one saying why. */
export function checkList(report: DestinationTestReport): HTMLElement {
  return h(
    'div',
    { className: report.ok ? 'checks ok' : 'checks failed' },
    h('p', {}, h('strong', {}, report.ok ? 'All checks passed' : 'A check failed')),
    h(
      'ul',
      {},
      ...report.checks.map((c) => h('li', { className: c.ok ? 'pass' : 'fail' }, h('span', { className: 'mark', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'), ` ${c.name}: ${c.ok ? 'passed' : 'failed'}`, c.message ? ` (${c.message})` : '')),
    ),
  );
}

/** Add (no id) or edit a destination: the form from its provider's schema, test before saving, save. */
export async function destinationFormPage({ main }: PageContext, id?: string): Promise<void> {
  const [{ items: types }, existing] = await Promise.all([
    unwrap(api.GET('/portal/api/destination-types')),
    id ? unwrap(api.GET('/portal/api/destinations/{id}', { params: { path: { id } } })) : Promise.resolve(undefined),
  ]);
  const editing = existing !== undefined;
  const formErrors = h('div', { className: 'form-errors', role: 'alert' });
  const result = h('div', { className: 'test-result', 'aria-live': 'polite' });
  const status = liveRegion();
  const holder = h('div');
  let form: SchemaForm;

  const typeId = uid('field');
  const typeSelect = h('select', { id: typeId, disabled: editing }, ...types.map((t) => h('option', { value: t.type, selected: t.type === (existing?.type ?? types[0]?.type) }, t.label)));
  const renderForm = () => {
    const type = types.find((t) => t.type === typeSelect.value)!;
    form = schemaForm({
      schema: type.configSchema as JsonSchema,
      secretPaths: type.secretPaths,
      editing,
      ...(existing ? { values: existing.config as Record<string, unknown> } : {}),
    });
    holder.replaceChildren(form.element);
    result.replaceChildren();
  };
  typeSelect.addEventListener('change', renderForm);
  renderForm();

  const showError = (error: unknown) => {
    if (error instanceof ApiError && error.issues.length > 0) {
      const unplaced: Issue[] = form.showIssues(error.issues);
      replace(formErrors, h('p', {}, `${error.message}: see the fields marked below.`), unplaced.length ? h('ul', {}, ...unplaced.map((i) => h('li', {}, `${i.path}: ${i.message}`))) : null);
    } else {
      replace(formErrors, h('p', {}, error instanceof Error ? error.message : String(error)));
    }
  };

  /** A patch: the form's values without `type`, which cannot change. */
  const body = () => {
    const values = form.values();
    if (!editing) return values;
    const { type: _type, ...patch } = values;
    return patch;
  };

  const testButton = h('button', { type: 'button', className: 'secondary' }, 'Test connection');
  testButton.addEventListener('click', async () => {
    form.clearIssues();
    formErrors.replaceChildren();
    result.replaceChildren();
    status.textContent = 'Testing…';
    testButton.disabled = true;
    try {
      const report = await unwrap(api.POST('/portal/api/destination-tests', { params: { query: id ? { destinationId: id } : {} }, body: body() as never }));
      result.replaceChildren(checkList(report));
      status.textContent = report.ok ? 'Test passed' : 'Test failed';
    } catch (error) {
      status.textContent = '';
      showError(error);
    } finally {
      testButton.disabled = false;
    }
  });

  const formElement = h('form', { noValidate: true }, h('div', { className: 'field' }, h('label', { htmlFor: typeId }, 'Type'), typeSelect), holder, formErrors, result, status, h('div', { className: 'actions' }, testButton, h('button', { type: 'submit' }, editing ? 'Save changes' : 'Save destination')));
  formElement.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.clearIssues();
    formErrors.replaceChildren();
    status.textContent = 'Saving…';
    try {
      const saved = id
        ? await unwrap(api.PATCH('/portal/api/destinations/{id}', { params: { path: { id } }, body: body() as never }))
        : await unwrap(api.POST('/portal/api/destinations', { body: body() as never }));
      window.location.hash = `#/destinations/${saved.id}`;
    } catch (error) {
      status.textContent = '';
      showError(error);
    }
  });

  replace(main, h('h1', {}, editing ? `Edit ${existing.name}` : 'Add a destination'), h('p', {}, 'Test the connection before saving: each check says what it found.'), formElement);
}
