// A real OpenID Connect provider for the test suite: panva's oidc-provider with its built-in
// development login and consent pages (devInteractions). tests/accounts/test_oidc.py starts it:
//
//   node tests/oidc/provider.mjs [port]            (port 0 or none: any free port)
//
// It listens on 127.0.0.1, and prints one line "listening <issuer>" once it accepts requests.
// The issuer is http://127.0.0.1:<port>. Environment:
//   OIDC_REDIRECT_URIS  comma-separated redirect URIs of the portal's client
//                       (default: https://testserver/auth/oidc/test/callback and
//                        http://127.0.0.1:8000/auth/oidc/test/callback)
//
// Clients:
//   qpi-portal / qpi-portal-secret   the portal (PKCE S256 is required of every client)
//   qpi-other / qpi-other-secret     another relying party of the same provider
//
// Any login and password are accepted. The login becomes the subject ("sub") and chooses the
// e-mail claims:
//   caseworker1                   -> caseworker1@example.jp, email_verified true
//   unverified-caseworker1        -> caseworker1@example.jp, email_verified false
//   wrong-audience-caseworker1    -> caseworker1@example.jp, verified; but the ID token is issued
//                                    for qpi-other (aud) with azp set to the requesting client:
//                                    a token meant for another relying party, which the portal
//                                    must refuse.
import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const PORTAL_CLIENT = 'qpi-portal';
const OTHER_CLIENT = 'qpi-other';
const UNVERIFIED = 'unverified-';
const WRONG_AUDIENCE = 'wrong-audience-';

const redirectUris = (process.env.OIDC_REDIRECT_URIS
  || 'https://testserver/auth/oidc/test/callback,http://127.0.0.1:8000/auth/oidc/test/callback')
  .split(',')
  .map((uri) => uri.trim())
  .filter(Boolean);

function claimsFor(login) {
  let local = login;
  let verified = true;
  if (local.startsWith(UNVERIFIED)) {
    local = local.slice(UNVERIFIED.length);
    verified = false;
  } else if (local.startsWith(WRONG_AUDIENCE)) {
    local = local.slice(WRONG_AUDIENCE.length);
  }
  return {
    sub: login,
    email: `${local}@example.jp`,
    email_verified: verified,
    name: `Test user ${local}`,
  };
}

// A fresh signing key per run (instead of the library's development keys).
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig',
};

const configuration = {
  clients: [
    {
      client_id: PORTAL_CLIENT,
      client_secret: 'qpi-portal-secret',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    {
      client_id: OTHER_CLIENT,
      client_secret: 'qpi-other-secret',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  // Every authorization request must carry a PKCE challenge (oidc-provider 9 knows only S256).
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: true },
  },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  jwks: { keys: [signingKey] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return claimsFor(id);
      },
    };
  },
};

const server = http.createServer();
server.listen(Number(process.argv[2] || process.env.PORT || 0), HOST, () => {
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;
  const provider = new Provider(issuer, configuration);

  // The misbehaving case: an ID token whose audience is another client.
  const { issue } = provider.IdToken.prototype;
  provider.IdToken.prototype.issue = async function issueMaybeForAnotherAudience(options = {}) {
    const sub = String(this.available?.sub ?? '');
    if (options.use === 'idtoken' && sub.startsWith(WRONG_AUDIENCE)) {
      const intended = this.client.clientId;
      this.client = await provider.Client.find(OTHER_CLIENT);
      this.set('azp', intended);
    }
    return issue.call(this, options);
  };

  server.on('request', provider.callback());
  process.stdout.write(`listening ${issuer}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
