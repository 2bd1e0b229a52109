import { serveOnFreePort, type LocalHttpServer } from '@pushrail/testing';
import express from 'express';
import { EXPRESS_VERSION_CHECKED, mountBeforeExpress } from './express-app-handle';

describe('mountBeforeExpress (express private app.handle)', () => {
  let server: LocalHttpServer;
  let base: string;
  const takenByFastPath: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/by-express', (_req, res) => void res.json({ from: 'express' }));
    mountBeforeExpress(app, (req, res) => {
      if (req.url !== '/fast') return false;
      takenByFastPath.push(req.url);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: 'fast path' }));
      return true;
    });
    server = await serveOnFreePort(app);
    base = server.baseUrl;
  });

  afterAll(() => server.close());

  it('was checked against the installed express; re-check express-app-handle.ts on an upgrade, then bump the version', () => {
    expect((require('express/package.json') as { version: string }).version).toBe(EXPRESS_VERSION_CHECKED);
  });

  it('answers the fast path before express, and hands everything else to express', async () => {
    expect(await (await fetch(`${base}/fast`)).json()).toEqual({ from: 'fast path' });
    expect(await (await fetch(`${base}/by-express`)).json()).toEqual({ from: 'express' });
    expect(takenByFastPath).toEqual(['/fast']);
    expect((await fetch(`${base}/neither`)).status).toBe(404);
  });
});
