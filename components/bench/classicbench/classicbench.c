/* classicbench: five classic small programs as workload benchmarks, the
 * same source natively and as wasm (benchrun.h): n-body and spectral-norm
 * and fannkuch-redux (after the Computer Language Benchmarks Game's plain C
 * programs, single-threaded, no intrinsics), SHA-256 (FIPS 180-4) and
 * base64 encode + decode (RFC 4648), both written here. */
#include "../benchrun.h"
#include <math.h>

/* ---- n-body: five planets, 500 000 steps of 0.01 ---------------------- */

#define NBODY_STEPS 500000
#define PI          3.141592653589793
#define SOLAR_MASS  (4 * PI * PI)
#define DAYS        365.24

struct body {
    double x, y, z, vx, vy, vz, mass;
};

static void nbody_advance(struct body *b, int n, double dt)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b[i].vx -= dx * b[j].mass * mag;
            b[i].vy -= dy * b[j].mass * mag;
            b[i].vz -= dz * b[j].mass * mag;
            b[j].vx += dx * b[i].mass * mag;
            b[j].vy += dy * b[i].mass * mag;
            b[j].vz += dz * b[i].mass * mag;
        }
    for (int i = 0; i < n; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static double nbody_energy(const struct body *b, int n)
{
    double e = 0;
    for (int i = 0; i < n; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

/* The check: the final energy's bits (IEEE doubles, the same operations in
 * the same order, sqrt correctly rounded everywhere: native and wasm agree
 * exactly, so any difference is different work). */
static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t k_nbody(void)
{
    struct body b[5] = {
        { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
        { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
          1.66007664274403694e-03 * DAYS, 7.69901118419740425e-03 * DAYS, -6.90460016972063023e-05 * DAYS,
          9.54791938424326609e-04 * SOLAR_MASS },
        { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
          -2.76742510726862411e-03 * DAYS, 4.99852801234917238e-03 * DAYS, 2.30417297573763929e-05 * DAYS,
          2.85885980666130812e-04 * SOLAR_MASS },
        { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
          2.96460137564761618e-03 * DAYS, 2.37847173959480950e-03 * DAYS, -2.96589568540237556e-05 * DAYS,
          4.36624404335156298e-05 * SOLAR_MASS },
        { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
          2.68067772490389322e-03 * DAYS, 1.62824170038242295e-03 * DAYS, -9.51592254519715870e-05 * DAYS,
          5.15138902046611451e-05 * SOLAR_MASS },
    };
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < 5; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / SOLAR_MASS;
    b[0].vy = -py / SOLAR_MASS;
    b[0].vz = -pz / SOLAR_MASS;
    for (int s = 0; s < NBODY_STEPS; s++)
        nbody_advance(b, 5, 0.01);
    return dbits(nbody_energy(b, 5));
}

/* ---- spectral-norm of the infinite matrix A, truncated to 1000 x 1000 ---- */

#define SPECTRAL_N 1000

static double eval_a(int i, int j)
{
    return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1);
}

static void mul_av(int n, const double *v, double *av)
{
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++)
            s += eval_a(i, j) * v[j];
        av[i] = s;
    }
}

static void mul_atv(int n, const double *v, double *atv)
{
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++)
            s += eval_a(j, i) * v[j];
        atv[i] = s;
    }
}

static void mul_atav(int n, const double *v, double *out, double *tmp)
{
    mul_av(n, v, tmp);
    mul_atv(n, tmp, out);
}

static double spec_u[SPECTRAL_N], spec_v[SPECTRAL_N], spec_tmp[SPECTRAL_N];

static uint64_t k_spectral(void)
{
    int n = SPECTRAL_N;
    for (int i = 0; i < n; i++)
        spec_u[i] = 1;
    for (int i = 0; i < 10; i++) {
        mul_atav(n, spec_u, spec_v, spec_tmp);
        mul_atav(n, spec_v, spec_u, spec_tmp);
    }
    double vbv = 0, vv = 0;
    for (int i = 0; i < n; i++) {
        vbv += spec_u[i] * spec_v[i];
        vv += spec_v[i] * spec_v[i];
    }
    return dbits(sqrt(vbv / vv));
}

/* ---- fannkuch-redux, n = 9 ----------------------------------------------- */

#define FANNKUCH_N 9

static uint64_t k_fannkuch(void)
{
    int n = FANNKUCH_N;
    int perm[16], perm1[16], count[16];
    int max_flips = 0, checksum = 0, r = n, perm_count = 0;
    for (int i = 0; i < n; i++)
        perm1[i] = i;
    for (;;) {
        while (r != 1) {
            count[r - 1] = r;
            r--;
        }
        for (int i = 0; i < n; i++)
            perm[i] = perm1[i];
        int flips = 0, k;
        while ((k = perm[0]) != 0) {
            for (int i = 0, j = k; i < j; i++, j--) {
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            flips++;
        }
        if (flips > max_flips)
            max_flips = flips;
        checksum += perm_count % 2 == 0 ? flips : -flips;
        for (;;) {
            if (r == n)
                return (uint64_t)(uint32_t)checksum << 8 | (uint64_t)max_flips;
            int p0 = perm1[0];
            for (int i = 0; i < r; i++)
                perm1[i] = perm1[i + 1];
            perm1[r] = p0;
            if (--count[r] > 0)
                break;
            r++;
        }
        perm_count++;
    }
}

/* ---- SHA-256 of a 16 MiB message (a 4 MiB buffer four times) ------------ */

#define DATA_BYTES (4u << 20)
static uint8_t *data;

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static uint64_t k_sha256(void)
{
    uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    uint64_t bits = 0;
    for (int rep = 0; rep < 4; rep++)
        for (uint32_t off = 0; off < DATA_BYTES; off += 64)
            sha256_block(h, data + off);
    bits = (uint64_t)DATA_BYTES * 4 * 8;
    /* The message is a whole number of blocks: the padding is one block. */
    uint8_t pad[64] = { 0x80 };
    for (int i = 0; i < 8; i++)
        pad[63 - i] = (uint8_t)(bits >> (8 * i));
    sha256_block(h, pad);
    return (uint64_t)h[0] << 32 | h[1];
}

/* ---- base64: encode 4 MiB, decode it back, three times ------------------------ */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static uint8_t b64_value[256];
static char   *b64_text;
static uint8_t *b64_back;

static size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

/* Returns the decoded length, or (size_t)-1 on a character outside the
 * alphabet (the table marks them 0xff). */
static size_t b64_decode(const char *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        uint8_t a = b64_value[(uint8_t)in[i]], b = b64_value[(uint8_t)in[i + 1]];
        uint8_t c = b64_value[(uint8_t)in[i + 2]], d = b64_value[(uint8_t)in[i + 3]];
        int tail = in[i + 3] == '=' ? (in[i + 2] == '=' ? 2 : 1) : 0;
        if (tail == 2)
            c = 0;
        if (tail)
            d = 0;
        if ((a | b | c | d) & 0x80)
            return (size_t)-1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | d;
        out[o++] = (uint8_t)(v >> 16);
        if (tail < 2)
            out[o++] = (uint8_t)(v >> 8);
        if (tail < 1)
            out[o++] = (uint8_t)v;
    }
    return o;
}

static uint64_t k_base64(void)
{
    uint64_t fnv = 1469598103934665603ull;
    for (int rep = 0; rep < 3; rep++) {
        /* Odd lengths too, so the padding paths run. */
        size_t n = DATA_BYTES - (size_t)rep;
        size_t tn = b64_encode(data, n, b64_text);
        size_t bn = b64_decode(b64_text, tn, b64_back);
        if (bn != n || memcmp(b64_back, data, n) != 0)
            return 0; /* the round trip failed: the check value says so */
        /* A sample of the text, its end (the padding) and its length. */
        for (size_t i = 0; i < tn; i += 61)
            fnv = (fnv ^ (uint8_t)b64_text[i]) * 1099511628211ull;
        for (size_t i = tn - 8; i < tn; i++)
            fnv = (fnv ^ (uint8_t)b64_text[i]) * 1099511628211ull;
        fnv = (fnv ^ tn) * 1099511628211ull;
    }
    return fnv;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    data = malloc(DATA_BYTES);
    b64_text = malloc(DATA_BYTES / 3 * 4 + 8);
    b64_back = malloc(DATA_BYTES);
    if (!data || !b64_text || !b64_back)
        return 1;
    uint32_t s = 2463534242u;
    for (uint32_t i = 0; i < DATA_BYTES; i++)
        data[i] = (uint8_t)bench_rnd(&s);
    memset(b64_value, 0xff, sizeof b64_value);
    for (int i = 0; i < 64; i++)
        b64_value[(uint8_t)b64_alphabet[i]] = (uint8_t)i;
    b64_value['='] = 0;
    bench_run("nbody", k_nbody);
    bench_run("spectral-norm", k_spectral);
    bench_run("fannkuch", k_fannkuch);
    bench_run("sha256", k_sha256);
    bench_run("base64", k_base64);
    return 0;
}
