// AVX-512F vectors for stripe.inl. No include guard: kernels.hpp includes this file once, inside
// namespace incdtw::detail::simd::avx512 and an AVX-512F target region.
// min, sqrt and alignr go through their masked forms with an all-ones mask and a defined source:
// the same instruction, but GCC 12's plain forms pass _mm512_undefined_*() and trip
// -Wmaybe-uninitialized (a false positive) in code built with -Wall -Werror.

/// 8 doubles; band masks on 64-bit integer lanes.
struct F64 {
    using T = double;
    using R = __m512d;
    using I = __m512i;
    static constexpr int W = 8;
    static constexpr bool kQInRegisters = true;
    static R load(const T* p) { return _mm512_loadu_pd(p); }
    static void store(T* p, R v) { _mm512_storeu_pd(p, v); }
    static R set1(T x) { return _mm512_set1_pd(x); }
    static R add(R a, R b) { return _mm512_add_pd(a, b); }
    static R sub(R a, R b) { return _mm512_sub_pd(a, b); }
    /// a * b, never contracted with a following add into an FMA (that would change the bits).
    static R mul(R a, R b) {
        R r = _mm512_mul_pd(a, b);
        __asm__("" : "+v"(r));
        return r;
    }
    static R min(R a, R b) { return _mm512_mask_min_pd(a, static_cast<__mmask8>(0xFF), a, b); }
    /// a > b ? a : b (maxpd's semantics)
    static R max(R a, R b) { return _mm512_mask_max_pd(a, static_cast<__mmask8>(0xFF), a, b); }
    static R sqrt(R a) { return _mm512_mask_sqrt_pd(a, static_cast<__mmask8>(0xFF), a); }
    static R abs(R a) {
        return _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(0x7FFFFFFFFFFFFFFFLL)));
    }
    /// [b[W-1], a[0], ..., a[W-2]]
    static R shift_in(R a, R b) {
        const __m512i ai = _mm512_castpd_si512(a);
        return _mm512_castsi512_pd(_mm512_mask_alignr_epi64(ai, static_cast<__mmask8>(0xFF), ai, _mm512_castpd_si512(b), 7));
    }
    /// *p = v[W-1]
    static void store_last(T* p, R v) { _mm512_mask_storeu_pd(p - 7, static_cast<__mmask8>(0x80), v); }
    /// bit u set where a[u] <= b[u]
    static unsigned le_bits(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
    static unsigned lt_bits(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
    static I iota(long long start, long long step) {
        return _mm512_setr_epi64(start, start + step, start + 2 * step, start + 3 * step, start + 4 * step,
                                 start + 5 * step, start + 6 * step, start + 7 * step);
    }
    static I iset1(long long x) { return _mm512_set1_epi64(x); }
    /// v where |k2 + off| <= w, +inf elsewhere
    static R keep_band(R v, I k2, long long off, long long w, R inf) {
        const I y = _mm512_add_epi64(k2, _mm512_set1_epi64(off + w));
        return _mm512_mask_mov_pd(inf, _mm512_cmple_epu64_mask(y, _mm512_set1_epi64(2 * w)), v);
    }
    /// v where v <= thr, +inf elsewhere
    static R keep_le(R v, R thr, R inf) { return _mm512_mask_mov_pd(inf, _mm512_cmp_pd_mask(v, thr, _CMP_LE_OQ), v); }
};

/// 16 floats; band masks on 32-bit integer lanes (kernels.hpp keeps the indices below 2^28).
struct F32 {
    using T = float;
    using R = __m512;
    using I = __m512i;
    static constexpr int W = 16;
    static constexpr bool kQInRegisters = true;
    static R load(const T* p) { return _mm512_loadu_ps(p); }
    static void store(T* p, R v) { _mm512_storeu_ps(p, v); }
    static R set1(T x) { return _mm512_set1_ps(x); }
    static R add(R a, R b) { return _mm512_add_ps(a, b); }
    static R sub(R a, R b) { return _mm512_sub_ps(a, b); }
    /// a * b, never contracted with a following add into an FMA (that would change the bits).
    static R mul(R a, R b) {
        R r = _mm512_mul_ps(a, b);
        __asm__("" : "+v"(r));
        return r;
    }
    static R min(R a, R b) { return _mm512_mask_min_ps(a, static_cast<__mmask16>(0xFFFF), a, b); }
    static R max(R a, R b) { return _mm512_mask_max_ps(a, static_cast<__mmask16>(0xFFFF), a, b); }
    static R sqrt(R a) { return _mm512_mask_sqrt_ps(a, static_cast<__mmask16>(0xFFFF), a); }
    static R abs(R a) {
        return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7FFFFFFF)));
    }
    static R shift_in(R a, R b) {
        const __m512i ai = _mm512_castps_si512(a);
        return _mm512_castsi512_ps(
            _mm512_mask_alignr_epi32(ai, static_cast<__mmask16>(0xFFFF), ai, _mm512_castps_si512(b), 15));
    }
    static void store_last(T* p, R v) { _mm512_mask_storeu_ps(p - 15, static_cast<__mmask16>(0x8000), v); }
    static unsigned le_bits(R a, R b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
    static unsigned lt_bits(R a, R b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
    static I iota(long long start, long long step) {
        const int s = static_cast<int>(start), d = static_cast<int>(step);
        return _mm512_setr_epi32(s, s + d, s + 2 * d, s + 3 * d, s + 4 * d, s + 5 * d, s + 6 * d, s + 7 * d, s + 8 * d,
                                 s + 9 * d, s + 10 * d, s + 11 * d, s + 12 * d, s + 13 * d, s + 14 * d, s + 15 * d);
    }
    static I iset1(long long x) { return _mm512_set1_epi32(static_cast<int>(x)); }
    static R keep_band(R v, I k2, long long off, long long w, R inf) {
        const I y = _mm512_add_epi32(k2, _mm512_set1_epi32(static_cast<int>(off + w)));
        return _mm512_mask_mov_ps(inf, _mm512_cmple_epu32_mask(y, _mm512_set1_epi32(static_cast<int>(2 * w))), v);
    }
    static R keep_le(R v, R thr, R inf) { return _mm512_mask_mov_ps(inf, _mm512_cmp_ps_mask(v, thr, _CMP_LE_OQ), v); }
};
