// A real OpenID Connect provider (the oidc-provider package) on 127.0.0.1 for tests/test_team_oidc.py.
// Usage: node provider.js REDIRECT_URI  – prints "klar <issuer>" once it listens on a free port.
// The client "reportgen" (secret "hemmelighed") must use PKCE. Accounts (password "kode" for all):
//   karin    – group "dmk-sagsbehandlere"    ole – group "dmk-sekretariat"    udenrolle – group "alle-medarbejdere"
//   forkertmodtager – its ID token is re-signed for another audience (with azp naming reportgen, which a client
//                     that only checks azp would accept)
//   udloebet        – its ID token is re-signed as expired an hour ago
// The login form checks the password, and consent is granted on login (as a municipality's provider does for
// its own applications).
import http from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const PASSWORD = 'kode';
const ACCOUNTS = {
  karin: { name: 'Karin Hansen', groups: ['alle-medarbejdere', 'dmk-sagsbehandlere'] },
  ole: { name: 'Ole Sekretær', groups: ['alle-medarbejdere', 'dmk-sekretariat'] },
  udenrolle: { name: 'Uden Rolle', groups: ['alle-medarbejdere'] },
  forkertmodtager: { name: 'Forkert Modtager', groups: ['dmk-sekretariat'] },
  udloebet: { name: 'Udløbet Token', groups: ['dmk-sekretariat'] },
};
const TAMPER = {
  forkertmodtager: (claims) => ({ ...claims, aud: 'en-anden-klient', azp: claims.aud }),
  udloebet: (claims) => ({ ...claims, iat: claims.iat - 7200, exp: claims.iat - 3600 }),
};

const redirectUri = process.argv[2];
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'proeve', alg: 'RS256', use: 'sig' };
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'reportgen',
    client_secret: 'hemmelighed',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [jwk] },
  pkce: { required: () => true },
  cookies: { keys: ['proevenoegle-til-cookies'] },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
  conformIdTokenClaims: false, // the ID token carries the claims of the granted scopes, as Entra ID's does
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: account.name, preferred_username: id, groups: account.groups };
      },
    };
  },
});

// The provider's own login page and its answer.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><body><h1>Kommunens login</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label>Brugernavn <input name="login"></label><label>Adgangskode <input type="password" name="password"></label>
<button type="submit">Log ind</button></form></body></html>`;
    return undefined;
  }
  const body = await new Promise((resolve) => {
    let data = '';
    ctx.req.on('data', (chunk) => { data += chunk; });
    ctx.req.on('end', () => resolve(new URLSearchParams(data)));
  });
  const login = body.get('login');
  if (!ACCOUNTS[login] || body.get('password') !== PASSWORD) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = '<!DOCTYPE html><p>Forkert brugernavn eller adgangskode.</p>';
    return undefined;
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login }, consent: { grantId } }, {
    mergeWithLastSubmission: false,
  });
});

// The two misbehaving accounts: their ID token re-signed with the provider's own key, so only the claims are wrong.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body || !ctx.body.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const tamper = TAMPER[claims.sub];
  if (!tamper) return;
  const header = decodeProtectedHeader(ctx.body.id_token);
  ctx.body = { ...ctx.body, id_token: await new SignJWT(tamper(claims)).setProtectedHeader(header).sign(privateKey) };
});

server.on('request', provider.callback());
console.log(`klar ${issuer}`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
