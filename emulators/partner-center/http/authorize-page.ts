const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;margin:1rem 0 .25rem}input[type=email]{width:100%;padding:.4rem}
button{margin:1.2rem .5rem 0 0;padding:.5rem 1.2rem}code{word-break:break-all}</style></head>
<body>${body}</body></html>`;

/** What the consent page shows and posts back. */
export interface ConsentPageInput {
  /** The form's target: the authorize URL itself. */
  action: string;
  clientId: string;
  tenant: string;
  scopes: string[];
  account: string;
  /** The authorize request's parameters, posted back as hidden fields. */
  params: Record<string, string>;
}

/**
 * The emulated Microsoft sign-in and consent page: the account (an Admin agent of the partner tenant, signed in
 * with MFA), the permissions the app asks for, and Accept / Cancel. Plain HTML, no script.
 */
export function consentPage(p: ConsentPageInput): string {
  const hidden = Object.entries(p.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const scopes = p.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Sign in to your account (Partner Center emulator)',
    `<main>
<h1>Permissions requested</h1>
<p>Application <code>${escapeHtml(p.clientId)}</code> wants to access Partner Center on your behalf in tenant
<code>${escapeHtml(p.tenant)}</code> (emulated Microsoft Entra ID: no password, multi-factor sign-in assumed).</p>
<ul aria-label="Requested permissions">${scopes}</ul>
<form method="post" action="${escapeHtml(p.action)}">
${hidden}
<label for="account">Account</label>
<input id="account" name="account" type="email" value="${escapeHtml(p.account)}" required>
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>
</main>`,
  );
}

/** Entra ID's error page for requests it cannot send back to the app (unknown app, wrong redirect URI). */
export function errorPage(code: number, text: string): string {
  return page(
    'Sign in to your account',
    `<main><h1>Sorry, but we’re having trouble signing you in.</h1>
<p role="alert">AADSTS${code}: ${escapeHtml(text)}</p></main>`,
  );
}
