#!/usr/bin/env node
// webhook-receiver: an example receiver of agora's webhooks, and the one
// the integration tests run. It verifies every delivery's signature the
// way doc/webhooks.md describes, answers 2xx only for a valid one, and
// de-duplicates by event id (delivery is at least once).
//
//   node scripts/webhook-receiver.mjs --port 9443 --cert cert.pem \
//       --key key.pem --secret whsec_...            # one secret, any path
//   node scripts/webhook-receiver.mjs ... --secrets FILE --log FILE
//
// FILE holds lines "PATH SECRET [fail=N] [sleep=MS]" and is read again
// on every request: the tests add subscriptions while it runs. fail=N
// answers 500 to the first N arrivals of each event at PATH; sleep=MS
// waits that long before answering. --log appends one JSON line per
// arrival. Node 18+, no dependencies.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync, appendFileSync } from "node:fs";
import { createServer } from "node:https";

// The check a receiver needs: true when one of the "v1=" signatures in
// the Agora-Signature header is the HMAC-SHA256, under secret, of
// "<Agora-Event-Id>.<Agora-Timestamp>.<raw body>", and the timestamp is
// within tolerance seconds of now (a replayed old delivery fails).
export function verify(secret, headers, rawBody, tolerance = 300) {
	const id = headers["agora-event-id"];
	const ts = headers["agora-timestamp"];
	const sig = headers["agora-signature"];
	if (!id || !ts || !sig || !/^[0-9]+$/.test(ts))
		return false;
	if (Math.abs(Date.now() / 1000 - Number(ts)) > tolerance)
		return false;
	const want = createHmac("sha256", secret)
	    .update(`${id}.${ts}.`).update(rawBody).digest();
	return sig.split(",").map((s) => s.trim()).some((s) => {
		if (!s.startsWith("v1="))
			return false;
		const got = Buffer.from(s.slice(3), "hex");
		return got.length === want.length && timingSafeEqual(got, want);
	});
}

function args() {
	const a = {};
	const v = process.argv.slice(2);
	for (let i = 0; i < v.length; i += 2) {
		if (!v[i].startsWith("--") || v[i + 1] === undefined)
			throw new Error(`bad argument ${v[i]}`);
		a[v[i].slice(2)] = v[i + 1];
	}
	return a;
}

const opt = args();
const seen = new Map();		// path + event id -> arrivals
const done = new Set();		// event ids handled (de-duplication)

// The settings of a path: { secret, fail, sleep }, or null.
function route(path) {
	if (opt.secret)
		return { secret: opt.secret, fail: 0, sleep: 0 };
	let text;
	try {
		text = readFileSync(opt.secrets, "utf8");
	} catch {
		return null;
	}
	for (const line of text.split("\n")) {
		const [p, secret, ...rest] = line.trim().split(/\s+/);
		if (p !== path || !secret)
			continue;
		const r = { secret, fail: 0, sleep: 0 };
		for (const kv of rest) {
			const [k, n] = kv.split("=");
			if (k in r && /^[0-9]+$/.test(n))
				r[k] = Number(n);
		}
		return r;
	}
	return null;
}

const server = createServer({
	cert: readFileSync(opt.cert),
	key: readFileSync(opt.key),
	keepAliveTimeout: 30000,
}, (req, res) => {
	const chunks = [];
	req.on("data", (c) => chunks.push(c));
	req.on("end", () => {
		const body = Buffer.concat(chunks);
		const path = req.url.split("?")[0];
		const r = route(path);
		const id = req.headers["agora-event-id"] || "";
		const key = `${path} ${id}`;
		const n = (seen.get(key) || 0) + 1;
		seen.set(key, n);
		let status = 200;
		let sigOk = false;
		let type = null;
		if (!r || req.method !== "POST") {
			status = 404;
		} else {
			sigOk = verify(r.secret, req.headers, body);
			try {
				const ev = JSON.parse(body.toString("utf8"));
				type = ev.type;
				if (ev.id !== id)
					sigOk = false;
			} catch {
				sigOk = false;
			}
			if (!sigOk)
				status = 401;
			else if (n <= r.fail)
				status = 500;
		}
		const answer = () => {
			const dup = status === 200 && done.has(`${path} ${id}`);
			if (status === 200)
				done.add(`${path} ${id}`);
			if (opt.log)
				appendFileSync(opt.log, JSON.stringify({
				    path, id, type, sig_ok: sigOk, status, n,
				    dup, at: Date.now(),
				    delivery: req.headers["agora-delivery"] || null,
				    sigs: (req.headers["agora-signature"] || "")
				    .split(",").length }) + "\n");
			res.writeHead(status, { "Content-Type": "text/plain" });
			res.end(status === 200 ? (dup ? "duplicate\n" : "ok\n") :
			    `status ${status}\n`);
		};
		if (r && r.sleep > 0)
			setTimeout(answer, r.sleep);
		else
			answer();
	});
});
server.listen(Number(opt.port || 9443), opt.host || "127.0.0.1", () => {
	if (opt.ready)
		appendFileSync(opt.ready, "ready\n");
});
