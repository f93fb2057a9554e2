// A throw-away OpenID Connect provider for tests/test_sso_browser.py: panva's oidc-provider
// (an OpenID-certified implementation), installed by the test into a cache folder, never
// committed. Usage: node oidc_provider.mjs PORT APP_ORIGIN CLIENT_ID CLIENT_SECRET
//
// Its development login form accepts any login and password; the login typed becomes the
// account's e-mail (verified), so the test signs in as whoever it needs to be.
import Provider from 'oidc-provider';

const [port, appOrigin, clientId, clientSecret] = process.argv.slice(2);
const callback = `${appOrigin}/oauth2callback`;

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [callback],
    post_logout_redirect_uris: [callback],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false, // Streamlit reads the identity from the ID token, not /userinfo
  cookies: { keys: ['screener-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() { return { sub: id, email: id, email_verified: true, name: id }; },
    };
  },
});

provider.listen(Number(port), '127.0.0.1', () => { console.log(`oidc-provider ready on ${port}`); });
