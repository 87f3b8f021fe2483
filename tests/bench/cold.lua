-- wrk script: every request asks with a query no other request used (an
-- ignored parameter), so every answer is a miss of the workers' answer
-- cache: rendered from the database each time.
local counter = 0
math.randomseed(os.time())

function setup(thread)
	thread:set("id", math.random(1, 1e9))
end

request = function()
	counter = counter + 1
	local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
	return wrk.format(nil, wrk.path .. sep .. "cold=" .. id .. "-" .. counter)
end
