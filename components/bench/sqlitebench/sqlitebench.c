/* sqlitebench: SQLite (the amalgamation of Debian's source package,
 * tools/debsrc.lock) on an in-memory database, as a workload benchmark
 * (benchrun.h): the same source natively and as wasm.
 * One run: a fresh :memory: database, a table with an index, 25 000 rows
 * inserted through a prepared statement in one transaction, 25 000 indexed
 * point queries, 250 range aggregates, a GROUP BY with ORDER BY, an UPDATE
 * and a DELETE through the index. The check sums what the queries return.
 * SQLite is built with SQLITE_OS_OTHER (sources.mk): no file system, no
 * threads; this file supplies the OS layer, a VFS that opens no file (an
 * in-memory database and in-memory temporary storage need none) with a
 * fixed clock and fixed "randomness", so every build does the same work. */
#include "../benchrun.h"
#include <sqlite3.h>

#define ROWS    25000
#define LOOKUPS 25000
#define RANGES  250

/* ---- the OS layer SQLITE_OS_OTHER asks for -------------------------------- */

static int vfs_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v, (void)name, (void)flags, (void)out;
    f->pMethods = NULL; /* nothing to close */
    return SQLITE_CANTOPEN;
}
static int vfs_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v, (void)name, (void)sync;
    return SQLITE_IOERR_DELETE;
}
static int vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v, (void)name, (void)flags;
    *out = 0;
    return SQLITE_OK;
}
static int vfs_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    sqlite3_snprintf(n, out, "%s", name);
    return SQLITE_OK;
}
static int vfs_random(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    uint32_t s = 12345;
    for (int i = 0; i < n; i++)
        out[i] = (char)bench_rnd(&s);
    return n;
}
static int vfs_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return us;
}
static int vfs_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    *out = 2460000.5; /* a fixed Julian day: nothing here reads the clock */
    return SQLITE_OK;
}
static int vfs_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    if (n > 0)
        out[0] = 0;
    return 0;
}

static sqlite3_vfs bench_vfs = {
    .iVersion = 1,
    .szOsFile = sizeof(sqlite3_file),
    .mxPathname = 64,
    .zName = "benchmem",
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_fullpath,
    .xRandomness = vfs_random,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_time,
    .xGetLastError = vfs_error,
};

int sqlite3_os_init(void)
{
    return sqlite3_vfs_register(&bench_vfs, 1);
}

int sqlite3_os_end(void)
{
    return SQLITE_OK;
}

/* ---- the workload --------------------------------------------------------- */

static sqlite3 *db;

static int exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlitebench: %s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static sqlite3_stmt *prepare(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "sqlitebench: %s: %s\n", sql, sqlite3_errmsg(db));
    return st;
}

static uint64_t fail(void)
{
    sqlite3_close(db);
    return 0; /* a failed run: the check value says so */
}

static uint64_t k_sqlite(void)
{
    uint64_t check = 0;
    uint32_t s = 4242;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return 0;
    if (exec("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, name TEXT NOT NULL, v REAL)") ||
        exec("CREATE INDEX t_k ON t(k)") || exec("BEGIN"))
        return fail();

    sqlite3_stmt *ins = prepare("INSERT INTO t(k, name, v) VALUES (?1, ?2, ?3)");
    if (!ins)
        return fail();
    for (int i = 0; i < ROWS; i++) {
        char name[32];
        uint32_t k = bench_rnd(&s) % (ROWS * 4);
        int n = snprintf(name, sizeof name, "item-%u-%c%c", k % 1000, 'a' + (int)(k % 26), 'a' + (int)(k / 26 % 26));
        sqlite3_bind_int(ins, 1, (int)k);
        sqlite3_bind_text(ins, 2, name, n, SQLITE_TRANSIENT);
        sqlite3_bind_double(ins, 3, k / 8.0);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return fail();
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    if (exec("COMMIT"))
        return fail();

    sqlite3_stmt *q = prepare("SELECT id, length(name) FROM t WHERE k = ?1");
    if (!q)
        return fail();
    for (int i = 0; i < LOOKUPS; i++) {
        sqlite3_bind_int(q, 1, (int)(bench_rnd(&s) % (ROWS * 4)));
        while (sqlite3_step(q) == SQLITE_ROW)
            check += (uint64_t)sqlite3_column_int64(q, 0) * 3 + (uint64_t)sqlite3_column_int(q, 1);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);

    sqlite3_stmt *r = prepare("SELECT count(*), sum(v) FROM t WHERE k BETWEEN ?1 AND ?2");
    if (!r)
        return fail();
    for (int i = 0; i < RANGES; i++) {
        int lo = (int)(bench_rnd(&s) % (ROWS * 4));
        sqlite3_bind_int(r, 1, lo);
        sqlite3_bind_int(r, 2, lo + 400);
        if (sqlite3_step(r) != SQLITE_ROW)
            return fail();
        /* sum(v) is of multiples of 1/8: exact in a double. */
        check += (uint64_t)sqlite3_column_int64(r, 0) * 1000003u + (uint64_t)(sqlite3_column_double(r, 1) * 8);
        sqlite3_reset(r);
    }
    sqlite3_finalize(r);

    sqlite3_stmt *g = prepare("SELECT substr(name, -2), count(*), max(k) FROM t GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20");
    if (!g)
        return fail();
    while (sqlite3_step(g) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(g, 0);
        check = check * 31 + (uint64_t)(t[0] << 8 | t[1]) + (uint64_t)sqlite3_column_int(g, 1) +
                (uint64_t)sqlite3_column_int(g, 2);
    }
    sqlite3_finalize(g);

    if (exec("UPDATE t SET v = v + 1 WHERE k < 20000") || exec("DELETE FROM t WHERE k % 3 = 0 AND k > 100000"))
        return fail();
    sqlite3_stmt *c = prepare("SELECT count(*), total(v) FROM t");
    if (!c || sqlite3_step(c) != SQLITE_ROW)
        return fail();
    check += (uint64_t)sqlite3_column_int64(c, 0) << 32 ^ (uint64_t)(sqlite3_column_double(c, 1) * 8);
    sqlite3_finalize(c);
    sqlite3_close(db);
    return check;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    bench_run("sqlite", k_sqlite);
    return 0;
}
