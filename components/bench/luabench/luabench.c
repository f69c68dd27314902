/* luabench: the Lua 5.4 interpreter (Debian's lua5.4 source package,
 * tools/debsrc.lock) running a script benchmark, as a workload benchmark
 * (benchrun.h): the same source natively and as wasm. Each run makes a
 * fresh Lua state, loads the base, table, string and math libraries,
 * compiles the script below and runs it; the script returns its check.
 * How Lua runs without setjmp, and why that is exact here: luabench.h. */
#include "../benchrun.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

/* The script: classic interpreter workloads, each sized to a few tens of
 * milliseconds natively. No error, pcall or coroutine (luabench.h), and
 * nothing that depends on the order pairs() visits keys in. */
static const char script[] =
    "local check = 0\n"
    /* calls: recursive Fibonacci */
    "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end\n"
    "check = check + fib(24)\n"
    /* the array part: a sieve of Eratosthenes */
    "local n, sieve, primes = 100000, {}, 0\n"
    "for i = 2, n do sieve[i] = true end\n"
    "for i = 2, n do if sieve[i] then primes = primes + 1\n"
    "  for j = i * i, n, i do sieve[j] = false end end end\n"
    "check = check * 31 + primes\n"
    /* the hash part and strings: word counts over generated text */
    "math.randomseed(42)\n"
    "local syl = { 'ka', 'ro', 'te', 'mi', 'su', 'na', 'lo', 've' }\n"
    "local counts, words = {}, {}\n"
    "for i = 1, 10000 do\n"
    "  local w = syl[math.random(8)] .. syl[math.random(8)] .. syl[math.random(#syl)]\n"
    "  words[#words + 1] = w\n"
    "  counts[w] = (counts[w] or 0) + 1\n"
    "end\n"
    "local text = table.concat(words, ' ')\n"
    "local found = 0\n"
    "for w in text:gmatch('%a+') do if counts[w] > 20 then found = found + 1 end end\n"
    "check = check * 31 + found + #text\n"
    "local s = text:gsub('ka', 'KA'):upper():sub(1, 5000)\n"
    "local f = {}\n"
    "for i = 1, 6000 do f[#f + 1] = string.format('%d:%05.1f;', i, i / 7) end\n"
    "check = check * 31 + #table.concat(f) + #s\n"
    /* objects: metatables, closures, method calls */
    "local V = {}\n"
    "V.__index = V\n"
    "V.__add = function(a, b) return setmetatable({ x = a.x + b.x, y = a.y + b.y }, V) end\n"
    "function V.new(x, y) return setmetatable({ x = x, y = y }, V) end\n"
    "function V:dot(o) return self.x * o.x + self.y * o.y end\n"
    "local acc = V.new(0, 0)\n"
    "for i = 1, 60000 do acc = acc + V.new(i % 7, i % 11) end\n"
    "check = check * 31 + acc:dot(V.new(3, 5))\n"
    /* sorting with a Lua comparator */
    "local t = {}\n"
    "for i = 1, 12000 do t[i] = math.random(1000000) end\n"
    "table.sort(t, function(a, b) return a > b end)\n"
    "check = check * 31 + t[1] + t[6000] + t[12000]\n"
    /* floating point in a loop (a Mandelbrot row sum) */
    "local inside = 0\n"
    "for py = 0, 39 do for px = 0, 39 do\n"
    "  local cr, ci, zr, zi, k = px / 20 - 1.5, py / 20 - 1, 0.0, 0.0, 0\n"
    "  while k < 50 and zr * zr + zi * zi < 4 do zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci; k = k + 1 end\n"
    "  if k == 50 then inside = inside + 1 end\n"
    "end end\n"
    "check = check * 31 + inside\n"
    "return check\n";

_Noreturn void luabench_throw(struct lua_State *L, int status)
{
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)";
    fprintf(stderr, "luabench: Lua raised an error (status %d): %s; without setjmp this ends the run\n", status,
            msg);
    exit(3);
}

static uint64_t k_lua(void)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return 0;
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },
        { LUA_TABLIBNAME, luaopen_table },
        { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math },
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    uint64_t check = 0;
    if (luaL_loadstring(L, script) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK)
        check = (uint64_t)lua_tointeger(L, -1);
    lua_close(L);
    return check;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    bench_run("lua", k_lua);
    return 0;
}
