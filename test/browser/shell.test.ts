import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, setUpWorkspace } from '../support/browser';
import { type LiveServer, startLiveServer } from '../support/server';

describe.skipIf(!browserAvailable)('web shell in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('setup creates the admin, logout, login again, navigate', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Northwind MSP',
      email: 'admin@northwind.example',
      password: 'a strong password',
    });
    expect(await page.getByTestId('workspace-name').textContent()).toContain('Northwind MSP');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.getByLabel('Email').fill('admin@northwind.example');
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('error-alert').waitFor();
    expect(await page.getByTestId('error-alert').textContent()).toMatch(/wrong email or password/i);

    await page.getByLabel('Password').fill('a strong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    await page.getByTestId('connection-autotask').waitFor();
    await nav.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByTestId('settings-user-email').textContent()).toContain('admin@northwind.example');

    // A deep link survives a reload (the server answers app routes with the app).
    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.close();
  });
});
