// Read netlify.toml (and the built _redirects) the way Netlify's own tooling does, and print
// as JSON: the build settings, the redirect rules, and for each path given, the header
// rules that match it. Run with the folder holding netlify-cli's node_modules as cwd:
//   node --input-type=module -e "$(cat netlify_rules.mjs)" CONFIG REPO_ROOT PATH...
import { resolveConfig } from "@netlify/config";
import { parseAllHeaders } from "@netlify/headers-parser";

const [configPath, repositoryRoot, ...paths] = process.argv.slice(1);
const { config } = await resolveConfig({ config: configPath, repositoryRoot, cwd: repositoryRoot, offline: true, context: "production" });
const { headers, errors } = await parseAllHeaders({
  headersFiles: [],
  netlifyConfigPath: configPath,
  minimal: false,
  configHeaders: config.headers ?? [],
});
const matches = Object.fromEntries(
  paths.map((path) => [path, headers.filter((rule) => rule.forRegExp.test(path)).map((rule) => rule.values)]),
);
console.log(JSON.stringify({ build: config.build, redirects: config.redirects, errors: errors.map(String), matches }));
