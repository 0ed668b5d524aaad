import { exportSPKI, generateKeyPair, SignJWT } from 'jose';

/**
 * A Clerk instance's signing key made in the test: real RS256 session tokens of Clerk's
 * shape, verified by the real `@clerk/backend` with the public PEM, never a mocked verifier.
 */
export interface TestClerk {
  /** The PEM public key, as CLERK_JWT_KEY holds it. */
  jwtKey: string;
  sessionToken(claims: {
    userId: string;
    orgId?: string;
    orgRole?: 'org:admin' | 'org:member';
    azp?: string;
    /** Seconds from now the token expires (negative: already expired). */
    expiresIn?: number;
  }): Promise<string>;
}

export const TEST_AUTHORIZED_PARTY = 'http://127.0.0.1:3000';

export async function testClerk(): Promise<TestClerk> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwtKey = await exportSPKI(publicKey);
  return {
    jwtKey,
    async sessionToken({ userId, orgId, orgRole, azp = TEST_AUTHORIZED_PARTY, expiresIn = 60 }) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({
        azp,
        sid: `sess_${userId}`,
        v: 2,
        ...(orgId
          ? {
              o: { id: orgId, rol: (orgRole ?? 'org:member').replace(/^org:/, ''), slg: orgId.toLowerCase() },
            }
          : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'ins_test', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer('https://clerk.test.example')
        .setIssuedAt(now - 10)
        .setNotBefore(now - 10)
        .setExpirationTime(now + expiresIn);
      return jwt.sign(privateKey);
    },
  };
}
