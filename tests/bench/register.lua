-- wrk script: one registration per request, each with a new nid.
-- Environment: TOKEN (a registration token with enough uses), CSR_FILE
-- (a PEM CSR, or empty to let the platform generate an RSA key).
local counter = 0
local token = os.getenv("TOKEN")
local csr = ""
local f = os.getenv("CSR_FILE")
if f and f ~= "" then
	local h = io.open(f, "r")
	csr = h:read("*a"):gsub("\n", "\\n")
	h:close()
end

local kind = (f and f ~= "") and "c" or "k"
math.randomseed(os.time())

function setup(thread)
	thread:set("id", math.random(1, 1e9))
	thread:set("kind", kind)
end

request = function()
	counter = counter + 1
	local nid = string.format("bench-%s%d-%d", kind, id, counter)
	local body = '{"nid":"' .. nid .. '","name":"Bench","environment":"uat",' ..
	    '"endpoints":{"hub":"https://hub.' .. nid .. '.example"}'
	if csr ~= "" then
		body = body .. ',"csr":"' .. csr .. '"'
	end
	body = body .. '}'
	return wrk.format("POST", "/api/v1/marketplaces", {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
	}, body)
end
