// An OpenID provider for the login tests: panva's certified oidc-provider on loopback.
//
// Usage: node tests/oidc/provider.mjs CONFIG.json
// The configuration file names the port, the clients (id, secret, redirect and post-logout
// URIs) and the test accounts with their claims. The provider prints "ready <issuer>" on
// standard output when it listens.
//
// The provider's own login page (its development interaction) takes the account id as the
// login name and any password. PKCE is required of every client, claims of the granted scopes
// are put in the ID token (as NemLog-in does), and RP-initiated logout is on.
//
// An account may carry "idToken": a way the token endpoint hands the relying party a bad ID
// token, to prove the relying party refuses it:
//   "tampered": the payload is changed after signing (the signature no longer matches);
//   "replayed": the ID token issued before this one is handed out again (its nonce is old);
//   "expired":  the payload is signed again by the provider's own key with an expiry in the past;
//   "other_audience": signed again by the provider's own key, but for another client.
import { readFileSync } from "node:fs";

import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;
const accounts = new Map(config.accounts.map((a) => [a.id, a]));

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: "test-signing", alg: "RS256", use: "sig" };
const signingKey = await importJWK(signingJwk, "RS256");

const scopes = config.scopes; // scope name -> claim names it releases
const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris,
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
  })),
  jwks: { keys: [signingJwk] },
  claims: { openid: ["sub"], ...scopes },
  scopes: ["openid", ...Object.keys(scopes)],
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
  },
  // Consent is the provider's business, not the relying party's: every requested scope is granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
});

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const payloadOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
let previousIdToken = null;

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== "/token" || ctx.status !== 200 || !ctx.body?.id_token) return;
  const issued = ctx.body.id_token;
  const payload = payloadOf(issued);
  const way = accounts.get(payload.sub)?.idToken;
  if (way === "tampered") {
    const [header, , signature] = issued.split(".");
    ctx.body = { ...ctx.body, id_token: `${header}.${b64({ ...payload, sub: `${payload.sub}x` })}.${signature}` };
  } else if (way === "replayed" && previousIdToken) {
    ctx.body = { ...ctx.body, id_token: previousIdToken };
  } else if (way === "expired" || way === "other_audience") {
    const now = Math.floor(Date.now() / 1000);
    const changed = way === "expired" ? { iat: now - 3600, exp: now - 1800 } : { aud: "en-anden-tjeneste" };
    const resigned = await new SignJWT({ ...payload, ...changed })
      .setProtectedHeader({ alg: "RS256", kid: signingJwk.kid, typ: "JWT" })
      .sign(signingKey);
    ctx.body = { ...ctx.body, id_token: resigned };
  }
  previousIdToken = issued;
});

provider.listen(config.port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
