/** The staff sign-in page: email, password, the sign-in token, and where to go next. */
import { html } from './html.js';
import { layout, type PageContext } from './page-layout.js';

export function loginPage(
  ctx: PageContext,
  opts: { loginToken: string; email?: string; next?: string; error?: string; notice?: string },
): string {
  const body = html`<h1>Sign in</h1>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : null}
${opts.error ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>There is a problem</h2><p>${opts.error}</p></div>` : null}
<p>Sign in to see requests from families for your locality.</p>
<form method="post" action="${ctx.base}/login" class="stack">
  <input type="hidden" name="_csrf" value="${opts.loginToken}">
  ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : null}
  <div class="field">
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="username" spellcheck="false" required maxlength="254" value="${opts.email ?? ''}">
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
  </div>
  <button type="submit">Sign in</button>
</form>`;
  return layout(ctx, 'Sign in', body);
}
