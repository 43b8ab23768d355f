// AVX2 vectors for stripe.inl. No include guard: kernels.hpp includes this file once, inside
// namespace incdtw::detail::simd::avx2 and an AVX2 target region (without FMA: no contraction).

/// 4 doubles; band masks on 64-bit integer lanes.
struct F64 {
    using T = double;
    using R = __m256d;
    using I = __m256i;
    static constexpr int W = 4;
    static constexpr bool kQInRegisters = false;
    static R load(const T* p) { return _mm256_loadu_pd(p); }
    static void store(T* p, R v) { _mm256_storeu_pd(p, v); }
    static R set1(T x) { return _mm256_set1_pd(x); }
    static R add(R a, R b) { return _mm256_add_pd(a, b); }
    static R sub(R a, R b) { return _mm256_sub_pd(a, b); }
    /// a * b, never contracted with a following add into an FMA (that would change the bits).
    static R mul(R a, R b) {
        R r = _mm256_mul_pd(a, b);
        __asm__("" : "+x"(r));
        return r;
    }
    static R min(R a, R b) { return _mm256_min_pd(a, b); }
    /// a > b ? a : b (maxpd's semantics)
    static R max(R a, R b) { return _mm256_max_pd(a, b); }
    static R sqrt(R a) { return _mm256_sqrt_pd(a); }
    static R abs(R a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
    /// [b[3], a[0], a[1], a[2]]
    static R shift_in(R a, R b) {
        const R t = _mm256_permute2f128_pd(b, a, 0x21);  // [b2, b3, a0, a1]
        return _mm256_shuffle_pd(t, a, 0x5);               // [b3, a0, a1, a2]
    }
    static void store_last(T* p, R v) { _mm_storeh_pd(p, _mm256_extractf128_pd(v, 1)); }
    /// bit u set where a[u] <= b[u]
    static unsigned le_bits(R a, R b) {
        return static_cast<unsigned>(_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LE_OQ)));
    }
    /// bit u set where a[u] < b[u] (false for NaN, as the scalar a < b)
    static unsigned lt_bits(R a, R b) {
        return static_cast<unsigned>(_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LT_OQ)));
    }
    static I iota(long long start, long long step) {
        return _mm256_setr_epi64x(start, start + step, start + 2 * step, start + 3 * step);
    }
    static I iset1(long long x) { return _mm256_set1_epi64x(x); }
    static R keep_band(R v, I k2, long long off, long long w, R inf) {
        const I y = _mm256_add_epi64(k2, _mm256_set1_epi64x(off + w));
        const I out = _mm256_or_si256(_mm256_cmpgt_epi64(_mm256_setzero_si256(), y),
                                      _mm256_cmpgt_epi64(y, _mm256_set1_epi64x(2 * w)));
        return _mm256_blendv_pd(v, inf, _mm256_castsi256_pd(out));
    }
    /// v where v <= thr, +inf elsewhere
    static R keep_le(R v, R thr, R inf) { return _mm256_blendv_pd(inf, v, _mm256_cmp_pd(v, thr, _CMP_LE_OQ)); }
};

/// 8 floats; band masks on 32-bit integer lanes.
struct F32 {
    using T = float;
    using R = __m256;
    using I = __m256i;
    static constexpr int W = 8;
    static constexpr bool kQInRegisters = false;
    static R load(const T* p) { return _mm256_loadu_ps(p); }
    static void store(T* p, R v) { _mm256_storeu_ps(p, v); }
    static R set1(T x) { return _mm256_set1_ps(x); }
    static R add(R a, R b) { return _mm256_add_ps(a, b); }
    static R sub(R a, R b) { return _mm256_sub_ps(a, b); }
    /// a * b, never contracted with a following add into an FMA (that would change the bits).
    static R mul(R a, R b) {
        R r = _mm256_mul_ps(a, b);
        __asm__("" : "+x"(r));
        return r;
    }
    static R min(R a, R b) { return _mm256_min_ps(a, b); }
    static R max(R a, R b) { return _mm256_max_ps(a, b); }
    static R sqrt(R a) { return _mm256_sqrt_ps(a); }
    static R abs(R a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
    /// [b[7], a[0], ..., a[6]]
    static R shift_in(R a, R b) {
        const __m256i t = _mm256_castps_si256(_mm256_permute2f128_ps(b, a, 0x21));  // [b4..b7, a0..a3]
        return _mm256_castsi256_ps(_mm256_alignr_epi8(_mm256_castps_si256(a), t, 12));
    }
    static void store_last(T* p, R v) {
        const __m128 hi = _mm256_extractf128_ps(v, 1);
        _mm_store_ss(p, _mm_shuffle_ps(hi, hi, 0xFF));
    }
    static unsigned le_bits(R a, R b) {
        return static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_LE_OQ)));
    }
    static unsigned lt_bits(R a, R b) {
        return static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_LT_OQ)));
    }
    static I iota(long long start, long long step) {
        const int s = static_cast<int>(start), d = static_cast<int>(step);
        return _mm256_setr_epi32(s, s + d, s + 2 * d, s + 3 * d, s + 4 * d, s + 5 * d, s + 6 * d, s + 7 * d);
    }
    static I iset1(long long x) { return _mm256_set1_epi32(static_cast<int>(x)); }
    static R keep_band(R v, I k2, long long off, long long w, R inf) {
        const I y = _mm256_add_epi32(k2, _mm256_set1_epi32(static_cast<int>(off + w)));
        const I out = _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), y),
                                      _mm256_cmpgt_epi32(y, _mm256_set1_epi32(static_cast<int>(2 * w))));
        return _mm256_blendv_ps(v, inf, _mm256_castsi256_ps(out));
    }
    static R keep_le(R v, R thr, R inf) { return _mm256_blendv_ps(inf, v, _mm256_cmp_ps(v, thr, _CMP_LE_OQ)); }
};
