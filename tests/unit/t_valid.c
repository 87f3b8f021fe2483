/* Unit tests: validators (valid.c). */
#include "config.h"

#include "../../src/extern.h"
#include "../tap.h"

int
main(void)
{
	long long	 id;

	ok(valid_nid("acme-prod"), "nid acme-prod");
	ok(valid_nid("a1"), "nid a1");
	ok(!valid_nid("a"), "nid too short");
	ok(!valid_nid("Acme"), "nid upper case");
	ok(!valid_nid("-acme"), "nid leading dash");
	ok(!valid_nid("acme-"), "nid trailing dash");
	ok(!valid_nid("ac--me"), "nid double dash");
	ok(!valid_nid("ac_me"), "nid underscore");
	ok(!valid_nid("a2345678901234567890123456789012345678901234567890123456789012345"),
	    "nid of 65 bytes");

	ok(valid_url("https://hub.example.com", 0), "https url");
	ok(valid_url("https://hub.example.com:8443/api?x=1", 0),
	    "https url with port, path and query");
	ok(!valid_url("http://hub.example.com", 0), "http refused");
	ok(valid_url("http://hub.example.com", 1), "http allowed");
	ok(!valid_url("https://user:pw@hub.example.com", 0),
	    "credentials refused");
	ok(!valid_url("https://hub.example.com/#frag", 0), "fragment refused");
	ok(!valid_url("https://", 0), "no host");
	ok(!valid_url("https://hub example.com", 0), "space in host");
	ok(!valid_url("https://hub.example.com:0", 0), "port 0");
	ok(!valid_url("https://hub.example.com:99999", 0), "port too big");
	ok(!valid_url("https://-bad.example.com", 0), "label starts with -");
	ok(!valid_url("ftp://x.example.com", 0), "other scheme");
	ok(!valid_url("https://a..b", 0), "empty label");
	ok(valid_url("https://10.1.2.3:8443/x", 0), "an IPv4 literal");
	ok(!valid_url("https://999.1.1.1", 0), "no IPv4, no DNS name");
	ok(!valid_url("https://1.2.3", 0), "three numbers");
	ok(!valid_url("https://hub.example.123", 0), "a numeric TLD");
	ok(valid_url("https://123.example.com", 0), "numeric labels before");
	ok(valid_url("https://xn--bcher-kva.example", 0), "an IDN, xn-- form");
	ok(!valid_url("https://a.example/\"><script>", 0), "a quote and <>");
	ok(!valid_url("https://a.example/{x}", 0), "braces");
	ok(!valid_url("https://a.example/a|b", 0), "a pipe");
	ok(valid_url("https://a.example/a%7Bb%7D?x=1&y=%22", 0),
	    "the same, percent-encoded");
	ok(valid_text("Caf\xc3\xa9 \xe2\x80\x94 ok", 1, 64), "text with UTF-8");
	ok(!valid_text("a\xc2\x85" "b", 1, 64), "a C1 control (NEL)");
	ok(!valid_text("a\xe2\x80\xa8" "b", 1, 64), "U+2028");
	ok(!valid_text("a\xe2\x80\xae" "b", 1, 64), "a bidi override (U+202E)");
	ok(!valid_text("a\xe2\x81\xa6" "b", 1, 64), "a bidi isolate (U+2066)");
	ok(!valid_text("  \t ", 1, 64), "white space only, when required");
	ok(valid_text("", 0, 64), "empty, when optional");
	ok(valid_path_tpl("/a/%{marketplace}/:id/%{marketplace}"),
	    "%%{marketplace}, twice, and :id");
	ok(!valid_path_tpl("/a/%{other}/:id"), "an unknown variable");
	ok(!valid_path_tpl("/a/%{marketplace"), "an unclosed variable");
	ok(valid_path_tpl("/a/100%/x"), "a lone percent sign");
	ok(!valid_url("javascript:alert(1)", 1), "javascript scheme");

	ok(valid_path_tpl("/maestrano/init/?marketplace=%{marketplace}"),
	    "path template");
	ok(!valid_path_tpl("maestrano"), "relative path");
	ok(!valid_path_tpl("//evil.example.com/x"), "scheme-relative path");
	ok(!valid_path_tpl("/a b"), "space in path");

	ok(valid_email("admin@example.com"), "email");
	ok(!valid_email("admin@localhost"), "email without dot");
	ok(!valid_email("a<b>@example.com"), "email with brackets");
	ok(!valid_email("@example.com"), "email without local part");

	ok(valid_text("héllo\nworld", 1, 20), "text with newline");
	ok(!valid_text("a\x01", 0, 20), "control byte");
	ok(!valid_text("", 1, 20), "too short");

	ok(valid_id("42", &id) && id == 42, "id 42");
	ok(!valid_id("042", &id), "leading zero");
	ok(!valid_id("0", &id), "zero");
	ok(!valid_id("-1", &id), "negative");
	ok(!valid_id("1e3", &id), "exponent");
	ok(valid_uid("tnt_AbC.1-2"), "uid");
	ok(!valid_uid("a/b"), "uid with slash");
	ok(valid_env("production") && valid_env("uat") && !valid_env("dev"),
	    "environments");
	return done();
}
