// The route table (agoractl routes) and doc/openapi.yaml must agree both
// ways: every route documented, every documented operation routed.
// Prints TAP and a last line "N passed, N failed".
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import yaml from "js-yaml";

const top = process.env.AGORA_TOP;
const ctl = process.env.AGORACTL;
let n = 0, failed = 0;
const ok = (cond, msg) => {
	n++;
	if (!cond) failed++;
	console.log(`${cond ? "ok" : "not ok"} ${n} - ${msg}`);
};

const doc = yaml.load(readFileSync(`${top}/doc/openapi.yaml`, "utf8"));
const methods = ["get", "put", "post", "delete", "patch", "head", "options"];
const documented = new Set();
for (const [path, item] of Object.entries(doc.paths ?? {}))
	for (const m of methods)
		if (item && item[m]) documented.add(`${m.toUpperCase()} ${path}`);

const routed = new Set(execFileSync(ctl, ["routes"], { encoding: "utf8" })
	.split("\n").filter(Boolean));

ok(routed.size > 0, `the route table has ${routed.size} routes`);
for (const r of [...routed].sort())
	ok(documented.has(r), `routed and documented: ${r}`);
for (const d of [...documented].sort())
	ok(routed.has(d), `documented and routed: ${d}`);

console.log(`1..${n}`);
console.log(`${n - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
