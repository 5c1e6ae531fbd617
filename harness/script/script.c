/* SPDX-License-Identifier: MIT */
/* script: the only code that includes lua.h. Scenario files run in a sandbox environment that
 * offers the DSL (scenario, run, expect, and param for `run --set` values), the host topology
 * (topo), policy helpers (policies), the runs and checks of the operator's validation scenarios
 * (operator) and the safe parts of the standard library; the table they return is read into a
 * C plan and a set of expectations, and the parameters they declared into the manifest's record
 * of what the run was asked. */
#include "script.h"
#include "script_api.h"
#include "script_internal.h"

#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lua/nh modules (module nh.<name> from lua/nh/<name>.lua), compiled in by
 * harness/embed_files.cmake. */
struct nh_embedded_file {
	const char *name, *text;
	size_t len;
};
extern const struct nh_embedded_file nh_lua_files[];


/* ---- limits: a memory cap in the allocator, a time budget and Ctrl-C through a hook ---- */

/* Room the allocator still grants after the cap was hit, for raising the error and unwinding. */
#define STOP_HEADROOM (1u << 20)
/* After the time budget, Lua code is stopped by the hook; code stuck in one C call (a runaway
 * pattern match) never reaches a hook, so after this grace the process exits instead. */
#define STUCK_GRACE_S 5
#define NH_SCRIPT_EXIT_INTERRUPTED 130 /* as the CLI's, for the last-resort exits */

/* The state being evaluated, for the signal handlers; NULL outside Lua. */
static nh_script_t *volatile active;
static volatile sig_atomic_t pending_stop; /* enum nh_script_stop raised by a signal */
static volatile sig_atomic_t alarms;	   /* SIGALRMs since the entry began */

/* The innermost frame of the scenario itself (not lua/nh/, not C) as "file:line", else the
 * innermost Lua frame's; "" when there is none. Reads the call stack only, allocating nothing,
 * so the allocator may call it. */
static void stop_location(lua_State *L, char *buf, size_t len)
{
	lua_Debug ar;
	buf[0] = '\0';
	for (int level = 0; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		bool harness = strncmp(ar.source, "=lua/nh/", 8) == 0;
		if (!buf[0] || !harness) {
			snprintf(buf, len, "%s:%d", ar.short_src, ar.currentline);
			if (!harness)
				return;
		}
	}
}

static void set_stop(nh_script_t *s, lua_State *L, enum nh_script_stop why)
{
	if (s->stop != NH_SCRIPT_RUNNING)
		return;
	s->stop = why;
	char where[STOP_WHERE_LEN];
	stop_location(L, where, sizeof where);
	char what[STOP_WHAT_LEN];
	if (why == NH_SCRIPT_STOP_MEMORY)
		snprintf(what, sizeof what, "stopped: Lua memory over its cap of %zu MiB (--lua-memory)",
			 s->mem_cap >> 20);
	else if (why == NH_SCRIPT_STOP_TIME)
		snprintf(what, sizeof what, "stopped: still running after %g s, its time budget (--lua-time)",
			 s->time_budget);
	else
		snprintf(what, sizeof what, "interrupted");
	snprintf(s->stop_msg, sizeof s->stop_msg, "%s%s%s", where, where[0] ? ": " : "", what);
}

/* lua_Alloc that counts what the state holds and refuses growth past the cap. Shrinking and
 * freeing never fail (Lua relies on that). */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	nh_script_t *s = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		s->mem_used -= old;
		return NULL;
	}
	if (nsize > old && s->mem_cap) {
		size_t cap = s->mem_cap + (s->stop != NH_SCRIPT_RUNNING ? STOP_HEADROOM : 0);
		if (s->mem_used - old + nsize > cap) {
			if (s->L)
				set_stop(s, s->L, NH_SCRIPT_STOP_MEMORY);
			return NULL;
		}
	}
	void *p = realloc(ptr, nsize);
	if (p)
		s->mem_used = s->mem_used - old + nsize;
	return p;
}

static nh_script_t *script_of(lua_State *L) { return *(nh_script_t **)lua_getextraspace(L); }

/* Raise the stop (once recorded) as an ordinary error carrying its message. */
static int raise_stop(lua_State *L)
{
	nh_script_t *s = script_of(L);
	lua_settop(L, 0);
	lua_pushstring(L, s->stop_msg);
	return lua_error(L);
}

/* Installed by the signal handlers (the lua.c way) and on entry; fires on the next call,
 * return, line or instruction and stops the script if a stop is pending. */
static void stop_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	nh_script_t *s = script_of(L);
	if (pending_stop != NH_SCRIPT_RUNNING)
		set_stop(s, L, (enum nh_script_stop)pending_stop);
	if (s->stop != NH_SCRIPT_RUNNING)
		raise_stop(L);
}

static void on_stop_signal(int sig)
{
	nh_script_t *s = active;
	if (sig == SIGALRM && ++alarms > 1) {
		/* The hook never ran since the budget ended: stuck inside one C call. */
		static const char msg[] = "numaharness: the scenario is stuck in a library call past its "
					  "time budget (--lua-time): exiting\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)w;
		_exit(2);
	}
	if (sig != SIGALRM && pending_stop == NH_SCRIPT_STOP_INTERRUPT) {
		/* A second Ctrl-C before the hook ran: stuck in C, and the operator insists. */
		static const char msg[] = "numaharness: interrupted again: exiting\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)w;
		_exit(NH_SCRIPT_EXIT_INTERRUPTED);
	}
	pending_stop = sig == SIGALRM ? NH_SCRIPT_STOP_TIME : NH_SCRIPT_STOP_INTERRUPT;
	if (s && s->L)
		lua_sethook(s->L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

void nh_script_enter(nh_script_t *s, lua_entry_t *e)
{
	s->entry = e;
	s->stop = NH_SCRIPT_RUNNING;
	s->stop_msg[0] = '\0';
	pending_stop = NH_SCRIPT_RUNNING;
	alarms = 0;
	lua_sethook(s->L, NULL, 0, 0);
	active = s;
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &e->old_int);
	sigaction(SIGTERM, &sa, &e->old_term);
	e->timed = s->time_budget > 0;
	if (e->timed)
		sigaction(SIGALRM, &sa, &e->old_alrm);
	/* First the budget, then the grace for code stuck in C. */
	struct itimerval it = {.it_value = {.tv_sec = (time_t)s->time_budget,
					    .tv_usec = (suseconds_t)((s->time_budget - (time_t)s->time_budget) * 1e6)},
			       .it_interval = {.tv_sec = STUCK_GRACE_S}};
	if (e->timed)
		setitimer(ITIMER_REAL, &it, &e->old_timer);
}

void nh_script_leave(nh_script_t *s, lua_entry_t *e)
{
	active = NULL;
	if (s->L)
		lua_sethook(s->L, NULL, 0, 0);
	sigaction(SIGINT, &e->old_int, NULL);
	sigaction(SIGTERM, &e->old_term, NULL);
	if (e->timed) { /* the caller's handler first, then its timer */
		struct itimerval off = {0};
		setitimer(ITIMER_REAL, &off, NULL);
		sigaction(SIGALRM, &e->old_alrm, NULL);
		setitimer(ITIMER_REAL, &e->old_timer, NULL);
	}
	/* A Ctrl-C that came as Lua ended still counts, as it would have during a sweep. */
	if (pending_stop == NH_SCRIPT_STOP_INTERRUPT && s->stop == NH_SCRIPT_RUNNING)
		s->stop = NH_SCRIPT_STOP_INTERRUPT;
}

/* pcall for scripts: as Lua's, except that a stop (time, memory, interrupt) is raised again
 * instead of returned, so `pcall(function() while true do end end)` cannot outlive its budget. */
static int guarded_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (script_of(L)->stop != NH_SCRIPT_RUNNING)
		return raise_stop(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* xpcall's message handler wrapper: a stop skips the script's handler (it could loop again). */
static int guarded_handler(lua_State *L)
{
	if (script_of(L)->stop != NH_SCRIPT_RUNNING)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int guarded_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, guarded_handler, 1);
	lua_replace(L, 2);
	/* f, handler, args... → handler, f, args... */
	lua_pushvalue(L, 1);
	lua_copy(L, 2, 1);
	lua_copy(L, -1, 2);
	lua_pop(L, 1);
	int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (script_of(L)->stop != NH_SCRIPT_RUNNING)
		return raise_stop(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* print for scripts: to stderr, since stdout belongs to --json. */
static int stderr_print(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *text = luaL_tolstring(L, i, &len);
		if (i > 1)
			fputc('\t', stderr);
		fwrite(text, 1, len, stderr);
		lua_pop(L, 1);
	}
	fputc('\n', stderr);
	fflush(stderr);
	return 0;
}

static int on_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "numaharness: Lua panic: %s\n", msg ? msg : "(error object is not a string)");
	return 0; /* Lua aborts */
}

void nh_script_set_limits(nh_script_t *s, double time_s, size_t memory_bytes)
{
	s->time_budget = time_s;
	s->mem_cap = memory_bytes;
}

enum nh_script_stop nh_script_stopped(const nh_script_t *s) { return s->stop; }

void nh_script_set_max_runs(nh_script_t *s, unsigned max_runs) { s->max_runs = max_runs; }

/* package.preload loader for an embedded module; upvalue 1 is the source entry. */
static int load_embedded(lua_State *L)
{
	const struct nh_embedded_file *src = lua_touserdata(L, lua_upvalueindex(1));
	char chunkname[128];
	snprintf(chunkname, sizeof chunkname, "=lua/nh/%s.lua", src->name);
	if (luaL_loadbufferx(L, src->text, src->len, chunkname, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	return 1;
}

static void register_embedded(lua_State *L)
{
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	for (const struct nh_embedded_file *src = nh_lua_files; src->name; src++) {
		char module[96];
		snprintf(module, sizeof module, "nh.%s", src->name);
		lua_pushlightuserdata(L, (void *)src);
		lua_pushcclosure(L, load_embedded, 1);
		lua_setfield(L, -2, module);
	}
	lua_pop(L, 2);
}

/* topo as a plain Lua table: { nodes = { {id=0, cpus={0,1}, mem_total_bytes=...}, ... },
 * distances = { {10,21}, {21,10} } } — data, so scenarios can compute with it freely. */
void nh_script_push_topo(lua_State *L, const nh_topo_t *t)
{
	unsigned n = nh_topo_node_count(t);
	lua_createtable(L, 0, 3);
	lua_createtable(L, (int)n, 0);
	for (unsigned i = 0; i < n; i++) {
		const nh_topo_node_t *node = nh_topo_node(t, i);
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, node->id);
		lua_setfield(L, -2, "id");
		lua_newtable(L);
		lua_Integer k = 1;
		for (int c = nh_set_next(&node->cpus, 0); c >= 0; c = nh_set_next(&node->cpus, c + 1)) {
			lua_pushinteger(L, c);
			lua_rawseti(L, -2, k++);
		}
		lua_setfield(L, -2, "cpus");
		lua_pushinteger(L, (lua_Integer)node->mem_total_bytes);
		lua_setfield(L, -2, "mem_total_bytes");
		lua_pushinteger(L, (lua_Integer)node->mem_free_bytes);
		lua_setfield(L, -2, "mem_free_bytes");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "nodes");
	lua_createtable(L, (int)n, 0);
	for (unsigned i = 0; i < n; i++) {
		lua_createtable(L, (int)n, 0);
		for (unsigned j = 0; j < n; j++) {
			lua_pushinteger(L, nh_topo_distance(t, i, j));
			lua_rawseti(L, -2, (lua_Integer)j + 1);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "distances");
	lua_pushinteger(L, (lua_Integer)nh_topo_llc_bytes(t));
	lua_setfield(L, -2, "llc_bytes");
}

/* nh.scenario's size parser: parse_size("16G") → bytes, or nil and the reason (the same
 * parser, and so the same spellings, as workload parameters). */
static int lua_parse_size(lua_State *L)
{
	const char *text = luaL_checkstring(L, 1);
	uint64_t bytes;
	nh_err_t err;
	if (nh_parse_size(text, &bytes, &err) < 0 || bytes > (uint64_t)LUA_MAXINTEGER) {
		luaL_pushfail(L);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushinteger(L, (lua_Integer)bytes);
	return 1;
}

/* Globals a scenario may use without the unsafe flag: no io, no os.execute, no load of files. */
static const char *const SAFE_GLOBALS[] = {
	"assert", "error", "ipairs", "next", "pairs", "pcall", "print", "select", "tonumber",
	"tostring", "type", "xpcall", "rawequal", "rawget", "rawlen", "rawset", "setmetatable",
	"getmetatable", "string", "table", "math", "utf8", "_VERSION",
};
static const char *const SAFE_OS[] = {"clock", "date", "time", "getenv"};

static int require_module(lua_State *L, const char *name)
{
	lua_getglobal(L, "require");
	lua_pushstring(L, name);
	return lua_pcall(L, 1, 1, 0);
}

/* A shallow copy of the table at the top of the stack replaces it. */
void nh_script_copy_table(lua_State *L)
{
	lua_newtable(L);
	for (lua_pushnil(L); lua_next(L, -3);) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	lua_remove(L, -2);
}

/* Library tables every script gets its own copy of: a script that assigns string.format =
 * nil changes its copy, never what the harness's modules call. */
static const char *const COPIED_LIBS[] = {"string", "table", "math", "utf8"};

/* Build the scenario environment on the stack. */
static int push_env(nh_script_t *s, const char *path, nh_err_t *err)
{
	lua_State *L = s->L;
	lua_newtable(L);
	if (s->unsafe) {
		lua_pushglobaltable(L);
		lua_createtable(L, 0, 1);
		lua_pushvalue(L, -2);
		lua_setfield(L, -2, "__index");
		lua_setmetatable(L, -3);
		lua_pop(L, 1);
	} else {
		for (size_t i = 0; i < NH_ARRAY_LEN(SAFE_GLOBALS); i++) {
			lua_getglobal(L, SAFE_GLOBALS[i]);
			lua_setfield(L, -2, SAFE_GLOBALS[i]);
		}
		lua_newtable(L);
		lua_getglobal(L, "os");
		for (size_t i = 0; i < NH_ARRAY_LEN(SAFE_OS); i++) {
			lua_getfield(L, -1, SAFE_OS[i]);
			lua_setfield(L, -3, SAFE_OS[i]);
		}
		lua_pop(L, 1);
		lua_setfield(L, -2, "os");
	}
	for (size_t i = 0; i < NH_ARRAY_LEN(COPIED_LIBS); i++) {
		lua_getglobal(L, COPIED_LIBS[i]);
		nh_script_copy_table(L);
		lua_setfield(L, -2, COPIED_LIBS[i]);
	}
	lua_pushcfunction(L, guarded_pcall);
	lua_setfield(L, -2, "pcall");
	lua_pushcfunction(L, guarded_xpcall);
	lua_setfield(L, -2, "xpcall");
	lua_pushcfunction(L, stderr_print);
	lua_setfield(L, -2, "print");
	if (require_module(L, "nh.scenario") != LUA_OK)
		return nh_err_set(err, "internal: nh.scenario: %s", lua_tostring(L, -1));
	lua_pushcfunction(L, lua_parse_size);
	lua_setfield(L, -2, "parse_size");
	/* nh.scenario.begin(path, { NAME = "VALUE", ... }): this file's --set values */
	lua_getfield(L, -1, "begin");
	lua_pushstring(L, path);
	lua_createtable(L, 0, (int)s->param_count);
	for (unsigned i = 0; i < s->param_count; i++) {
		lua_pushstring(L, s->values[i]);
		lua_setfield(L, -2, s->names[i]);
	}
	if (lua_pcall(L, 2, 0, 0) != LUA_OK)
		return nh_err_set(err, "internal: nh.scenario.begin: %s", lua_tostring(L, -1));
	lua_getfield(L, -1, "param");
	lua_setfield(L, -3, "param");
	lua_getfield(L, -1, "scenario");
	lua_setfield(L, -3, "scenario");
	lua_getfield(L, -1, "run");
	lua_setfield(L, -3, "run");
	lua_getfield(L, -1, "expect");
	lua_setfield(L, -3, "expect");
	lua_getfield(L, -1, "derive");
	lua_setfield(L, -3, "derive");
	lua_pop(L, 1);
	/* Copies of the modules too: nh.operator calls nh.policies, whatever a script does to its
	 * own `policies`. */
	if (require_module(L, "nh.policies") != LUA_OK)
		return nh_err_set(err, "internal: nh.policies: %s", lua_tostring(L, -1));
	nh_script_copy_table(L);
	lua_setfield(L, -2, "policies");
	if (require_module(L, "nh.operator") != LUA_OK)
		return nh_err_set(err, "internal: nh.operator: %s", lua_tostring(L, -1));
	nh_script_copy_table(L);
	lua_setfield(L, -2, "operator");
	nh_script_push_topo(L, s->topo);
	lua_setfield(L, -2, "topo");
	nh_lua_push_api(L);
	lua_setfield(L, -2, "nh");
	return 0;
}

int nh_script_traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
	return 1;
}

nh_script_t *nh_script_new(const nh_topo_t *topo, bool unsafe, nh_err_t *err)
{
	nh_script_t *s = calloc(1, sizeof *s);
	lua_State *L = s ? lua_newstate(limited_alloc, s) : NULL;
	if (!L) {
		free(s);
		nh_err_set(err, "cannot create a Lua state: out of memory");
		return NULL;
	}
	s->L = L;
	*(nh_script_t **)lua_getextraspace(L) = s;
	lua_atpanic(L, on_panic);
	s->topo = topo;
	s->unsafe = unsafe;
	s->hooks_ref = LUA_NOREF;
	s->derives_ref = LUA_NOREF;
	nh_script_set_limits(s, NH_SCRIPT_DEFAULT_TIME_S, NH_SCRIPT_DEFAULT_MEMORY);
	s->max_runs = NH_PLAN_DEFAULT_MAX_RUNS;
	luaL_openlibs(L);
	register_embedded(L);
	/* Strings share one metatable whose __index is the harness's own string table: scripts
	 * must not reach it through getmetatable(""). */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "the string metatable is the harness's");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	return s;
}

static void clear_params(nh_script_t *s)
{
	for (unsigned i = 0; i < s->param_count; i++) {
		free(s->names[i]);
		free(s->values[i]);
	}
	s->param_count = 0;
}

void nh_script_free(nh_script_t *s)
{
	if (!s)
		return;
	clear_params(s);
	free(s->checks);
	json_decref(s->report_items);
	/* Closing runs the scripts' __gc finalizers: under the same limits. */
	lua_entry_t e;
	nh_script_enter(s, &e);
	lua_close(s->L);
	active = NULL;
	s->L = NULL;
	nh_script_leave(s, &e);
	free(s);
}

int nh_script_set_params(nh_script_t *s, char *const *assignments, unsigned n, nh_err_t *err)
{
	clear_params(s);
	errno = EINVAL;
	if (n > NH_SCRIPT_MAX_PARAMS)
		return nh_err_set(err, "--set: too many values (at most %d)", NH_SCRIPT_MAX_PARAMS);
	for (unsigned i = 0; i < n; i++) {
		const char *a = assignments[i], *eq = strchr(a, '=');
		if (!eq || eq == a) {
			clear_params(s);
			errno = EINVAL;
			return nh_err_set(err, "--set %s: expected NAME=VALUE", a);
		}
		for (unsigned k = 0; k < s->param_count; k++) {
			if (strlen(s->names[k]) == (size_t)(eq - a) &&
			    strncmp(s->names[k], a, (size_t)(eq - a)) == 0) {
				/* Which one wins would be a guess: say so instead. */
				nh_err_set(err, "--set %s=%s and --set %s: the same parameter twice",
					   s->names[k], s->values[k], a);
				clear_params(s);
				errno = EINVAL;
				return -1;
			}
		}
		s->names[i] = strndup(a, (size_t)(eq - a));
		s->values[i] = strdup(eq + 1);
		s->param_count = i + 1;
		if (!s->names[i] || !s->values[i]) {
			clear_params(s);
			errno = ENOMEM;
			return nh_err_set(err, "out of memory");
		}
	}
	return 0;
}

/* String field of the table at idx, or NULL. */
static const char *opt_string(lua_State *L, int idx, const char *key)
{
	lua_getfield(L, idx, key);
	const char *v = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
	lua_pop(L, 1); /* still referenced by the table, so the pointer stays valid */
	return v;
}

static lua_Integer opt_int(lua_State *L, int idx, const char *key, lua_Integer def)
{
	lua_getfield(L, idx, key);
	lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : def;
	lua_pop(L, 1);
	return v;
}

/* Read one normalised run group (at the top of the stack) and add it to the plan. */
int nh_script_add_group(lua_State *L, nh_plan_t *plan, nh_err_t *err)
{
	int g = lua_gettop(L);
	nh_plan_group_t group = {0};
	const char *policies[256];
	group.workload = opt_string(L, g, "workload");
	group.source = opt_string(L, g, "source");
	group.reps = (unsigned)opt_int(L, g, "reps", 1);
	group.warmup = (unsigned)opt_int(L, g, "warmup", 0);
	const char *timeout = opt_string(L, g, "timeout");
	if (timeout && nh_parse_duration(timeout, &group.timeout_s, err) < 0)
		return nh_err_prefix(err, "%s: timeout", group.source);

	lua_getfield(L, g, "params");
	lua_Integer np = luaL_len(L, -1);
	if (np > NH_MAX_PARAMS)
		return nh_err_set(err, "%s: too many parameters (at most %d)", group.source, NH_MAX_PARAMS);
	for (lua_Integer i = 1; i <= np; i++) {
		lua_rawgeti(L, -1, i);
		int p = lua_gettop(L);
		group.params[i - 1].name = opt_string(L, p, "name");
		lua_getfield(L, p, "values");
		lua_Integer nv = luaL_len(L, -1);
		if (nv > NH_MAX_VALUES)
			return nh_err_set(err, "%s: parameter '%s' has more than %d values", group.source,
					  group.params[i - 1].name, NH_MAX_VALUES);
		for (lua_Integer v = 1; v <= nv; v++) {
			lua_rawgeti(L, -1, v);
			group.params[i - 1].values[v - 1] = lua_tostring(L, -1);
			lua_pop(L, 1);
		}
		group.params[i - 1].value_count = (unsigned)nv;
		lua_pop(L, 2);
	}
	group.param_count = (unsigned)np;
	lua_pop(L, 1);

	lua_getfield(L, g, "policies");
	lua_Integer npol = luaL_len(L, -1);
	if (npol > (lua_Integer)NH_ARRAY_LEN(policies))
		return nh_err_set(err, "%s: too many policies (at most %zu)", group.source, NH_ARRAY_LEN(policies));
	for (lua_Integer i = 1; i <= npol; i++) {
		lua_rawgeti(L, -1, i);
		policies[i - 1] = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	group.policies = policies;
	group.policy_count = (unsigned)npol;
	int rc = nh_plan_add_group(plan, &group, err);
	lua_pop(L, 1);
	return rc;
}

/* Copy a string field into a fixed buffer; too long is an error naming the expectation. */
static int copy_field(lua_State *L, int idx, const char *key, char *buf, size_t len,
		      const char *source, nh_err_t *err)
{
	const char *v = opt_string(L, idx, key);
	if (v && strlen(v) >= len) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "%s: expect: %s is too long (at most %zu characters)", source,
				  key, len - 1);
	}
	snprintf(buf, len, "%s", v ? v : "");
	return 0;
}

static double opt_number(lua_State *L, int idx, const char *key)
{
	lua_getfield(L, idx, key);
	double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
	lua_pop(L, 1);
	return v;
}

/* Read one normalised expect entry (at the top of the stack; nh.scenario checked its shape)
 * into the set. */
static int add_expect(lua_State *L, nh_expect_set_t *set, nh_err_t *err)
{
	int x = lua_gettop(L);
	nh_expect_t e = {0};
	const char *source = opt_string(L, x, "source");
	snprintf(e.source, sizeof e.source, "%s", source ? source : "scenario");
	int kind = nh_expect_kind_parse(opt_string(L, x, "kind"));
	if (kind < 0) {
		errno = EINVAL;
		return nh_err_set(err, "%s: internal: unknown expectation kind", e.source);
	}
	e.kind = (enum nh_expect_kind)kind;
	if (copy_field(L, x, "name", e.name, sizeof e.name, e.source, err) < 0 ||
	    copy_field(L, x, "workload", e.workload, sizeof e.workload, e.source, err) < 0 ||
	    copy_field(L, x, "policy", e.policy, sizeof e.policy, e.source, err) < 0 ||
	    copy_field(L, x, "what", e.what, sizeof e.what, e.source, err) < 0 ||
	    copy_field(L, x, "of", e.of, sizeof e.of, e.source, err) < 0 ||
	    copy_field(L, x, "to", e.to, sizeof e.to, e.source, err) < 0)
		return -1;
	e.min = opt_number(L, x, "min");
	e.max = opt_number(L, x, "max");
	lua_getfield(L, x, "strict");
	e.strict = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, x, "report");
	e.report = lua_toboolean(L, -1);
	lua_pop(L, 1);
	const char *outcomes = opt_string(L, x, "outcomes");
	e.allow_skipped = !outcomes || strcmp(outcomes, "ok") != 0;
	lua_getfield(L, x, "params");
	lua_Integer np = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
	for (lua_Integer i = 1; i <= np; i++) {
		lua_rawgeti(L, -1, i);
		int p = lua_gettop(L);
		const char *name = opt_string(L, p, "name"), *value = opt_string(L, p, "value");
		if (name && value && nh_params_set(&e.params, name, value, err) < 0)
			return nh_err_prefix(err, "%s: expect", e.source);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return nh_expect_add(set, &e, err);
}

/* The scenario's expectations (table at \p sc), checked against the plan. NULL on error. */
static nh_expect_set_t *load_expects(lua_State *L, int sc, const nh_scenario_info_t *info,
				     const nh_plan_t *plan, nh_err_t *err)
{
	nh_expect_set_t *set = nh_expect_set_new();
	if (!set) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	const char *unevaluated = opt_string(L, sc, "unevaluated");
	bool fails = unevaluated && strcmp(unevaluated, "fail") == 0;
	nh_expect_set_scenario(set, info->name, opt_string(L, sc, "source"),
			       info->placement_threshold, fails);
	lua_getfield(L, sc, "expects");
	lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (add_expect(L, set, err) < 0) {
			nh_expect_set_free(set);
			return NULL;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_getfield(L, sc, "derives");
	lua_Integer nd = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
	for (lua_Integer i = 1; i <= nd; i++) {
		lua_rawgeti(L, -1, i);
		const char *dname = opt_string(L, lua_gettop(L), "name");
		const char *dsource = opt_string(L, lua_gettop(L), "source");
		if (dname && nh_expect_set_derived(set, dname) < 0) {
			nh_expect_set_free(set);
			nh_err_set(err, "%s: derive %s: at most 8 derived metrics", dsource ? dsource : "?", dname);
			lua_pop(L, 2);
			return NULL;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	unsigned count = nh_plan_count(plan);
	nh_expect_planned_t *planned = calloc(count ? count : 1, sizeof *planned);
	if (!planned) {
		nh_expect_set_free(set);
		nh_err_set(err, "out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < count; i++) {
		const nh_run_spec_t *spec = nh_plan_run(plan, i);
		planned[i] = (nh_expect_planned_t){spec->wl, spec->policy.spec, &spec->params};
	}
	int rc = nh_expect_check_plan(set, planned, count, err);
	free(planned);
	if (rc < 0) {
		nh_expect_set_free(set);
		return NULL;
	}
	return set;
}

/* A Lua value as the manifest records it: integers plainly, floats as Lua prints them. */
static void value_text(lua_State *L, int idx, char *buf, size_t len)
{
	if (lua_type(L, idx) == LUA_TBOOLEAN) {
		snprintf(buf, len, "%s", lua_toboolean(L, idx) ? "true" : "false");
		return;
	}
	snprintf(buf, len, "%s", luaL_tolstring(L, idx, NULL));
	lua_pop(L, 1); /* the string luaL_tolstring pushed */
}

/* After the file ran: every --set must name a declared parameter; the declarations (values
 * used) go into info->params for the manifest. */
static int read_params(lua_State *L, const char *path, nh_scenario_info_t *info, nh_err_t *err)
{
	if (require_module(L, "nh.scenario") != LUA_OK)
		return nh_err_set(err, "internal: nh.scenario: %s", lua_tostring(L, -1));
	int m = lua_gettop(L);
	lua_getfield(L, m, "unused_override");
	if (lua_pcall(L, 0, 1, 0) != LUA_OK || lua_isstring(L, -1)) {
		errno = EINVAL;
		return nh_err_set(err, "%s", lua_tostring(L, -1));
	}
	lua_pop(L, 1);
	lua_getfield(L, m, "declared");
	lua_Integer n = luaL_len(L, -1);
	if (n > NH_SCRIPT_MAX_PARAMS) {
		errno = E2BIG;
		return nh_err_set(err, "%s: the scenario declares %lld parameters (at most %d)",
				  path, (long long)n, NH_SCRIPT_MAX_PARAMS);
	}
	for (lua_Integer i = 1; i <= n; i++) {
		nh_manifest_param_t *p = &info->params[i - 1];
		lua_rawgeti(L, -1, i);
		int d = lua_gettop(L);
		const char *name = opt_string(L, d, "name"), *type = opt_string(L, d, "type");
		const char *help = opt_string(L, d, "help");
		snprintf(p->name, sizeof p->name, "%s", name ? name : "?");
		snprintf(p->type, sizeof p->type, "%s", type ? type : "string");
		snprintf(p->help, sizeof p->help, "%s", help ? help : "");
		lua_getfield(L, d, "value");
		value_text(L, -1, p->value, sizeof p->value);
		lua_getfield(L, d, "default");
		value_text(L, -1, p->def, sizeof p->def);
		lua_getfield(L, d, "set");
		p->set = lua_toboolean(L, -1);
		lua_pop(L, 4);
	}
	info->param_count = (unsigned)n;
	lua_settop(L, m - 1);
	return 0;
}

static nh_plan_t *load_plan(nh_script_t *s, const char *path, nh_scenario_info_t *info, nh_err_t *err)
{
	lua_State *L = s->L;
	int base = lua_gettop(L);
	nh_plan_t *plan = NULL;
	memset(info, 0, sizeof *info);

	lua_pushcfunction(L, nh_script_traceback);
	int st = luaL_loadfilex(L, path, "t");
	if (st == LUA_ERRFILE) {
		nh_err_set(err, "cannot read scenario %s: %s", path, strerror(errno ? errno : ENOENT));
		goto out;
	}
	if (st != LUA_OK) { /* syntax error: the message already reads "file:line: ..." */
		nh_err_set(err, "%s", lua_tostring(L, -1));
		goto out;
	}
	if (push_env(s, path, err) < 0)
		goto out;
	if (!lua_setupvalue(L, -2, 1)) /* the chunk's first upvalue is _ENV */
		lua_pop(L, 1);
	if (lua_pcall(L, 0, 1, base + 1) != LUA_OK) {
		/* Keep the first line (file:line: message); the traceback goes to the debug log. */
		const char *msg = lua_tostring(L, -1);
		nh_log(NH_LOG_DEBUG, "%s", msg ? msg : "?");
		nh_err_set(err, "%.*s", (int)strcspn(msg ? msg : "?", "\n"), msg ? msg : "?");
		goto out;
	}
	int sc = lua_gettop(L);
	bool is_scenario = false;
	if (lua_istable(L, sc)) {
		lua_getfield(L, sc, "__nh_scenario");
		is_scenario = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	if (!is_scenario) {
		errno = EINVAL;
		nh_err_set(err, "%s: the file must return scenario { ... }", path);
		goto out;
	}
	if (read_params(L, path, info, err) < 0)
		goto out;
	const char *name = opt_string(L, sc, "name");
	if (!name) { /* default: the file's base name */
		const char *slash = strrchr(path, '/');
		snprintf(info->name, sizeof info->name, "%.*s", (int)strcspn(slash ? slash + 1 : path, "."),
			 slash ? slash + 1 : path);
	} else {
		snprintf(info->name, sizeof info->name, "%s", name);
	}
	const char *desc = opt_string(L, sc, "description");
	snprintf(info->description, sizeof info->description, "%s", desc ? desc : "");
	lua_getfield(L, sc, "placement_threshold");
	info->placement_threshold = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 0.99;
	lua_pop(L, 1);

	plan = nh_plan_new(s->topo);
	if (!plan) {
		nh_err_set(err, "out of memory");
		goto out;
	}
	nh_plan_set_max_runs(plan, s->max_runs);
	s->budget_runs = 0;
	s->budget_time_s = 0;
	s->budget_source[0] = '\0';
	lua_getfield(L, sc, "budget");
	if (lua_istable(L, -1)) {
		int b = lua_gettop(L);
		const char *bsrc = opt_string(L, b, "source");
		nh_format_cut(s->budget_source, sizeof s->budget_source, "%s", bsrc ? bsrc : path);
		s->budget_runs = (unsigned)opt_int(L, b, "runs", 0);
		const char *t = opt_string(L, b, "time");
		if (t && nh_parse_duration(t, &s->budget_time_s, err) < 0) {
			nh_err_prefix(err, "%s: budget.time", s->budget_source);
			nh_plan_free(plan);
			plan = NULL;
			goto out;
		}
	}
	lua_pop(L, 1);
	lua_getfield(L, sc, "runs");
	lua_Integer n = luaL_len(L, -1);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (nh_script_add_group(L, plan, err) < 0) {
			nh_plan_free(plan);
			plan = NULL;
			goto out;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (s->budget_runs && nh_plan_count(plan) > s->budget_runs) {
		errno = E2BIG;
		nh_err_set(err, "%s: budget: the plan has %u runs, over budget.runs = %u", s->budget_source,
			   nh_plan_count(plan), s->budget_runs);
		nh_plan_free(plan);
		plan = NULL;
		goto out;
	}
	info->expects = load_expects(L, sc, info, plan, err);
	if (!info->expects) {
		nh_plan_free(plan);
		plan = NULL;
		goto out;
	}
	/* The hooks and derived metrics stay in the registry, with the state, for the sweep. */
	luaL_unref(L, LUA_REGISTRYINDEX, s->hooks_ref);
	lua_getfield(L, sc, "hooks");
	s->hooks_ref = lua_istable(L, -1) ? luaL_ref(L, LUA_REGISTRYINDEX) : (lua_pop(L, 1), LUA_NOREF);
	luaL_unref(L, LUA_REGISTRYINDEX, s->derives_ref);
	lua_getfield(L, sc, "derives");
	s->derives_ref = lua_istable(L, -1) && luaL_len(L, -1) > 0 ? luaL_ref(L, LUA_REGISTRYINDEX)
								    : (lua_pop(L, 1), LUA_NOREF);
	snprintf(s->path, sizeof s->path, "%s", path);
out:
	lua_settop(L, base);
	return plan;
}

nh_plan_t *nh_script_load_plan(nh_script_t *s, const char *path, nh_scenario_info_t *info, nh_err_t *err)
{
	lua_entry_t e;
	nh_script_enter(s, &e);
	nh_plan_t *plan = load_plan(s, path, info, err);
	nh_script_leave(s, &e);
	if (s->stop == NH_SCRIPT_RUNNING)
		return plan;
	/* Stopped from outside: whatever the script or the loader made of it, say why. */
	nh_plan_free(plan);
	nh_expect_set_free(info->expects);
	info->expects = NULL;
	if (!s->stop_msg[0])
		snprintf(s->stop_msg, sizeof s->stop_msg, "%s: interrupted", path);
	nh_err_set(err, "%s", s->stop_msg);
	errno = s->stop == NH_SCRIPT_STOP_INTERRUPT ? EINTR : s->stop == NH_SCRIPT_STOP_MEMORY ? ENOMEM : ETIME;
	return NULL;
}
