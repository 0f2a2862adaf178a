-- bench/lookup.lua — the wrk script of bench/public_lookup: every request is the next
-- of the paths listed one a line in the file named by $LOOKUP_PATHS, in an order of
-- its own for each thread (shuffled with the thread's number as seed), round and
-- round. The requests are formatted once, at start, so that wrk's own cost per
-- request is one table read; nginx's run goes through this script as well, with a
-- list of one path, so that the client does the same work in every run.
local threads = 0

function setup(thread)
	thread:set("id", threads)
	threads = threads + 1
end

local requests, n, i = {}, 0, 0

function init(args)
	for line in io.lines(os.getenv("LOOKUP_PATHS")) do
		if line ~= "" then
			n = n + 1
			requests[n] = wrk.format("GET", line)
		end
	end
	math.randomseed(1 + id)
	for k = n, 2, -1 do
		local j = math.random(k)
		requests[k], requests[j] = requests[j], requests[k]
	end
end

function request()
	i = i % n + 1
	return requests[i]
end
