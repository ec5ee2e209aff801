/**
 * The Fediverse part's one setting from the environment (read here and nowhere else; to move into
 * src/config.ts): FEDIVERSE_ALLOW_PRIVATE_ADDRESS=true lets Fedify fetch and deliver to loopback
 * and private addresses (tests with two instances on 127.0.0.1). Default false: a remote server
 * could otherwise make ours request internal addresses (SSRF).
 */
export function fediverseSettings(env: NodeJS.ProcessEnv = process.env): { allowPrivateAddress: boolean } {
  return { allowPrivateAddress: env.FEDIVERSE_ALLOW_PRIVATE_ADDRESS === "true" };
}
