import { vi } from 'vitest';

/** The SDK's credential chain reads process.env: give it fake static keys (never real ones). */
export function stubFakeCredentials(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFAKEFORTESTS');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-for-tests');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

/** No credentials anywhere the chain looks: env, files, SSO, web identity, containers, IMDS. */
export function stubNoCredentials(): void {
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_ROLE_ARN',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/capacity-plan-test/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/capacity-plan-test/credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}
