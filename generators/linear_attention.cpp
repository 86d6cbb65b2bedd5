// Linear attention: a non-negative feature map φ replaces the softmax over
// keys, so (φ(Q)φ(K)ᵀ)V = φ(Q)(φ(K)ᵀV) costs O(N·D·Dv) instead of O(N²·D).
//
//   g = h / (Hq / Hkv)                        (GQA and MQA share kv heads)
//   visible(b, j) = j < kv_len[b] and key_mask[b, j] ≠ 0
//   φ(k)[j] = 0 for keys that are not visible, for every feature map:
//     softmax (0): φ(q)_d = softmax over d of q;   φ(k)_{j,d} = softmax over visible j of k
//                  (masked keys count as −∞, as lucidrains' linear-attention-transformer)
//     elu1    (1): φ(x) = elu(x) + 1
//     relu    (2): φ(x) = max(x, 0)
//   non-causal:
//     context = Σ_j φ(k_j) ⊗ v_j  (D×Dv),   key_sum = Σ_j φ(k_j)  (D)
//     softmax:    out_i = φ(q_i)ᵀ context                       (no normaliser)
//     elu1, relu: out_i = φ(q_i)ᵀ context / (φ(q_i)ᵀ key_sum + eps)
//     summed tile by tile; softmax's φ(k) is normalised over the keys once
//     the sums are complete.
//   causal (query i sees keys j ≤ p_i = i + Nk − Nq, bottom-right aligned):
//     the same sums over j ≤ p_i only: whole earlier segments and chunks
//     from two levels of exclusive prefix sums, the query's own chunk summed
//     exactly, pair by pair. Chunks follow the query rows: query i is row
//     i mod C of chunk i / C, whose keys are p_{cC} .. p_{cC+C−1}, so row r
//     sees its chunk's keys 0..r.
//     softmax + causal is not defined here (the plugin rejects it): a causal
//     softmax over keys would renormalise every feature per query prefix,
//     which is neither lucidrains' bucketed form nor a prefix sum.
//
// Shapes (outermost first): q [B,Hq,Nq,D], k [B,Hkv,Nk,D], v [B,Hkv,Nk,Dv],
// key_mask [B,Nk] (u8), kv_len [B], out [B,Hq,Nq,Dv]; Halide indexes them
// innermost first: q(d, i, h, b).
//
// feature_map and causal are runtime inputs, not GeneratorParams: each would
// multiply the number of compiled variants, while their cost at run time is
// one select per feature (O(N·D), against O(N·D·Dv) for the contractions)
// and, for causal, a specialised loop nest chosen once per call.
// Sums are taken per tile (or chunk, or segment) and then over those, which
// keeps f32 rounding well below a single running sum's O(√N) ulps.
#include "Halide.h"

#include "attention_inputs.h"
#include "cpu/linear_attention_cpu.h"
#include "linear_attention_stages.h"
#include "online_softmax.h" // online_softmax_result: a sum that may be 0

namespace attnforge::generators {

using namespace Halide;

class LinearAttention : public Generator<LinearAttention> {
 public:
  GeneratorParam<int> head_dim{"head_dim", 0};   // 0: any D
  GeneratorParam<int> value_dim{"value_dim", 0}; // 0: any Dv
  // Non-causal: keys summed per tile before the tile joins the running
  // sums. Causal: keys per chunk (the exact in-chunk part is quadratic in
  // it) and chunks per segment (the unit of the two-level prefix scan).
  GeneratorParam<int> keys_per_tile{"keys_per_tile", 128};
  GeneratorParam<int> keys_per_chunk{"keys_per_chunk", 64};
  GeneratorParam<int> chunks_per_segment{"chunks_per_segment", 32};
  schedules::LinearAttentionCpuTunables cpu_tunables;

  Input<Buffer<float, 4>> q{"q"};
  Input<Buffer<float, 4>> k{"k"};
  Input<Buffer<float, 4>> v{"v"};
  Input<Buffer<int32_t, 1>> kv_len{"kv_len"};
  Input<Buffer<uint8_t, 2>> key_mask{"key_mask"};
  Input<int> feature_map{"feature_map"}; // 0 softmax, 1 elu1, 2 relu
  Input<bool> causal{"causal"};
  Input<float> eps{"eps"};
  Output<Buffer<float, 4>> out{"out"};

  schedules::LinearAttentionStages s;

  void generate() {
    Var &d = s.d, &dv = s.dv, &i = s.i, &j = s.j, &r = s.r, &c = s.c, &h = s.h, &g = s.g, &b = s.b;
    const AttentionShape shape = attention_shape(q, k, v);
    const int C = keys_per_chunk;
    const Expr softmax = feature_map == 0, elu1 = feature_map == 1;
    const Expr heads_per_kv_head = shape.query_heads / shape.kv_heads;
    Expr kv_head = h / heads_per_kv_head;

    // Keys past Nk exist only in the last, ragged chunk, and keys before 0
    // only in causal chunks when Nq > Nk and in the first causal span of
    // the keys before the first row's: such keys are not visible (kv_len ≤
    // Nk is checked by the runtime), and clamping keeps their unused loads
    // inside k, v and key_mask. Rows past Nq exist only in a schedule's
    // ragged query tile, which out never stores.
    Expr query = min(i, shape.queries - 1);
    auto is_visible = [&](const Expr &key_index) {
      return key_index >= 0 && key_index < kv_len(b) && key_mask(clamp_key(key_index), b) != 0;
    };
    Expr visible = is_visible(j);

    // φ(q), up to a per-row factor: softmax's exp(q − max_d q) is divided by
    // its row sum only at the end, with the normaliser.
    RDom features_for_max(0, shape.features, "over_features_max");
    s.query_max(i, h, b) = Float(32).min();
    s.query_max(i, h, b) = max(s.query_max(i, h, b), q(features_for_max, query, h, b));
    Expr q_value = q(d, query, h, b);
    s.features_q(d, i, h, b) = select(softmax, exp_nonpositive(q_value - s.query_max(i, h, b)),
                                      elementwise_feature(q_value, elu1));

    // Non-causal φ(K)ᵀV and Σφ(K), tile by tile. softmax's φ(k) needs the
    // max over the visible keys of each feature first (the only extra pass
    // over k); its division by the sum over keys waits until the sums are
    // complete, so φ(k) here is exp(k − max) and each exp is taken once.
    RDom keys_for_max(0, select(softmax, shape.keys, 0), "over_keys_max");
    s.key_max(d, g, b) = select(softmax, Float(32).min(), 0.0f);
    s.key_max(d, g, b) = max(s.key_max(d, g, b), select(is_visible(keys_for_max), k(d, keys_for_max, g, b),
                                                        Float(32).min()));
    Expr k_value = k(d, clamp_key(j), g, b);
    s.features_k(d, j, g, b) = select(!visible, 0.0f, softmax, exp_nonpositive(k_value - s.key_max(d, g, b)),
                                      elementwise_feature(k_value, elu1));

    const int T = keys_per_tile;
    Var &key_tile = s.key_tile;
    RDom tile_keys_for_context(0, T, "over_tile_keys_context");
    RDom tile_keys_for_sum(0, T, "over_tile_keys_sum");
    // A ragged last tile sums only the keys that exist: Halide turns each
    // `where` into its loop's bounds, so the tile's padding keys (φ = 0)
    // cost no FMAs (a 256-key call ran a whole 512-key tile without it).
    // Bounds inference ignores the `where`, so v's index is still clamped:
    // the clamp never bites (`likely`: Halide gives the keys a loop without it).
    Expr context_key = key_tile * T + tile_keys_for_context, sum_key = key_tile * T + tile_keys_for_sum;
    tile_keys_for_context.where(context_key < shape.keys);
    tile_keys_for_sum.where(sum_key < shape.keys);
    s.tile_context(dv, d, key_tile, g, b) = 0.0f;
    s.tile_context(dv, d, key_tile, g, b) +=
        s.features_k(d, context_key, g, b) * v(dv, min(likely(context_key), shape.keys - 1), g, b);
    s.tile_key_sum(d, key_tile, g, b) = 0.0f;
    s.tile_key_sum(d, key_tile, g, b) += s.features_k(d, sum_key, g, b);

    const Expr noncausal_tiles = select(causal, 0, (shape.keys + T - 1) / T);
    // One RDom for both sums, so a schedule can run them in one loop.
    RDom over_tiles(0, noncausal_tiles, "over_tiles");
    s.context_sum(dv, d, g, b) = 0.0f;
    s.context_sum(dv, d, g, b) += s.tile_context(dv, d, over_tiles, g, b);
    s.key_sum(d, g, b) = 0.0f;
    s.key_sum(d, g, b) += s.tile_key_sum(d, over_tiles, g, b);
    // softmax: φ(k) normalised over the keys (all 0 when no key is visible).
    s.context(dv, d, g, b) =
        select(softmax, online_softmax_result(s.context_sum(dv, d, g, b), s.key_sum(d, g, b)),
               s.context_sum(dv, d, g, b));

    // out_i = φ(q_i)ᵀ context / normaliser_i, where the normaliser is
    // softmax's Σ_d exp(q − max) (φ(q) was left unnormalised), or
    // φ(q_i)ᵀ Σφ(K) + eps for the other maps.
    RDom features_for_numerator(0, shape.features, "over_features_numerator");
    RDom features_for_normaliser(0, shape.features, "over_features_normaliser");
    s.numerator(dv, i, h, b) = 0.0f;
    s.numerator(dv, i, h, b) +=
        s.features_q(features_for_numerator, i, h, b) * s.context(dv, features_for_numerator, kv_head, b);
    s.normaliser(i, h, b) = select(softmax, 0.0f, eps);
    s.normaliser(i, h, b) += s.features_q(features_for_normaliser, i, h, b) *
                             select(softmax, 1.0f, s.key_sum(features_for_normaliser, kv_head, b));
    s.inverse_normaliser(i, h, b) = 1.0f / s.normaliser(i, h, b);

    // Causal (elu1 and relu; the plugin rejects softmax + causal). Query
    // rows are cut into chunks of C and chunks into segments of S chunks;
    // chunk c holds the keys offset + cC .. offset + cC + C − 1, where
    // offset = Nk − Nq, and a segment the keys of its chunks. A query in
    // chunk c of segment σ sees: every key before its segment (an exclusive
    // scan of per-segment sums), the earlier chunks of its own segment (a
    // scan within the segment, starting from the segment's prefix), and the
    // keys of its own chunk up to its own row, pair by pair. The keys before
    // the offset (Nk > Nq), seen by every query, fill spans of S·C keys with
    // negative indices, which the scan over segments starts with. Segments
    // make the scan state O(N/(C·S) + S) per head instead of one state per
    // chunk, and let segments run in parallel. Chunking the rows rather than
    // the keys keeps a block of rows in one chunk, whatever the offset, so
    // they share its prefix and its keys' loads.
    const int S = chunks_per_segment;
    const int segment_length = C * S; // rows per segment, keys per span
    const Expr offset = shape.keys - shape.queries;
    const Expr segments = (shape.queries + segment_length - 1) / segment_length;
    const Expr leading_spans = (max(offset, 0) + segment_length - 1) / segment_length;
    Var &sg = s.segment;
    s.causal_features_k(d, j, g, b) = select(!visible, 0.0f, elementwise_feature(k_value, elu1));

    define_span_sums(s.segment_context, s.segment_key_sum, sg, segment_length, offset, s.over_segment_keys_context,
                     s.over_segment_keys_sum);

    const Expr scanned_segments = select(causal, leading_spans + segments - 1, 0);
    RDom segments_for_context(-leading_spans, scanned_segments, "over_segments_context");
    RDom segments_for_sum(-leading_spans, scanned_segments, "over_segments_sum");
    s.segment_prefix_context(dv, d, sg, g, b) = 0.0f;
    s.segment_prefix_context(dv, d, segments_for_context + 1, g, b) =
        s.segment_prefix_context(dv, d, segments_for_context, g, b) +
        s.segment_context(dv, d, segments_for_context, g, b);
    s.segment_prefix_key_sum(d, sg, g, b) = 0.0f;
    s.segment_prefix_key_sum(d, segments_for_sum + 1, g, b) =
        s.segment_prefix_key_sum(d, segments_for_sum, g, b) + s.segment_key_sum(d, segments_for_sum, g, b);

    define_span_sums(s.chunk_context, s.chunk_key_sum, c, C, offset, s.over_chunk_keys_context, s.over_chunk_keys_sum);
    RDom chunks_for_context(0, S - 1, "over_chunks_context");
    RDom chunks_for_sum(0, S - 1, "over_chunks_sum");
    // Only chunks that hold a row: the last segment of a short call scans
    // its own chunks, not S − 1 chunks of padding (1.5 times the time at
    // N = 300). The chunks past the end are then never written, and no row
    // reads them.
    Expr context_chunk = sg * S + chunks_for_context, sum_chunk = sg * S + chunks_for_sum;
    chunks_for_context.where((context_chunk + 1) * C < shape.queries);
    chunks_for_sum.where((sum_chunk + 1) * C < shape.queries);
    // The scan starts from the segment's prefix at chunk 0; every later chunk
    // is written by the scan before it is read, so none needs a first value.
    s.prefix_context(dv, d, c, sg, g, b) = undef<float>();
    s.prefix_context(dv, d, 0, sg, g, b) = s.segment_prefix_context(dv, d, sg, g, b);
    s.prefix_context(dv, d, chunks_for_context + 1, sg, g, b) =
        s.prefix_context(dv, d, chunks_for_context, sg, g, b) +
        s.chunk_context(dv, d, context_chunk, g, b);
    s.prefix_key_sum(d, c, sg, g, b) = undef<float>();
    s.prefix_key_sum(d, 0, sg, g, b) = s.segment_prefix_key_sum(d, sg, g, b);
    s.prefix_key_sum(d, chunks_for_sum + 1, sg, g, b) =
        s.prefix_key_sum(d, chunks_for_sum, sg, g, b) + s.chunk_key_sum(d, sum_chunk, g, b);

    // A row whose last key comes before key 0 (p_i < 0) finds no visible
    // key in its chunk or before it: it sums nothing and yields 0.
    Expr query_chunk = select(causal, i / C, 0);
    Expr row_in_chunk = i - query_chunk * C, first_chunk_key = query_chunk * C + offset;
    Expr chunk_in_segment = query_chunk % S, query_segment = query_chunk / S;
    RDom features_for_scores(0, shape.features, "over_features_scores");
    s.chunk_scores(r, i, h, b) = 0.0f;
    s.chunk_scores(r, i, h, b) += s.features_q(features_for_scores, i, h, b) *
                                  s.causal_features_k(features_for_scores, first_chunk_key + r, kv_head, b);
    RDom chunk_keys_for_numerator(0, C, "over_chunk_keys_numerator");
    RDom chunk_keys_for_normaliser(0, C, "over_chunk_keys_normaliser");
    auto own_chunk_score = [&](const Expr &key_in_chunk) {
      return select(key_in_chunk <= row_in_chunk, s.chunk_scores(key_in_chunk, i, h, b), 0.0f);
    };
    RDom features_for_prefix(0, shape.features, "over_features_prefix");
    RDom features_for_prefix_sum(0, shape.features, "over_features_prefix_sum");
    s.causal_numerator(dv, i, h, b) = 0.0f;
    s.causal_numerator(dv, i, h, b) +=
        s.features_q(features_for_prefix, i, h, b) *
        s.prefix_context(dv, features_for_prefix, chunk_in_segment, query_segment, kv_head, b);
    Expr own_key = clamp_key(first_chunk_key + chunk_keys_for_numerator);
    s.causal_numerator(dv, i, h, b) += own_chunk_score(chunk_keys_for_numerator) * v(dv, own_key, kv_head, b);
    s.causal_normaliser(i, h, b) = eps;
    s.causal_normaliser(i, h, b) +=
        s.features_q(features_for_prefix_sum, i, h, b) *
        s.prefix_key_sum(features_for_prefix_sum, chunk_in_segment, query_segment, kv_head, b);
    s.causal_normaliser(i, h, b) += own_chunk_score(chunk_keys_for_normaliser);
    s.causal_inverse_normaliser(i, h, b) = 1.0f / s.causal_normaliser(i, h, b);

    // The normaliser is ≥ 1 for softmax and ≥ eps > 0 otherwise, so a row
    // that sees no key yields 0, never NaN.
    out(dv, i, h, b) = select(causal, s.causal_numerator(dv, i, h, b) * s.causal_inverse_normaliser(i, h, b),
                              s.numerator(dv, i, h, b) * s.inverse_normaliser(i, h, b));
    // The plugins' buffers start at 0. Knowing it, Halide can prove that a
    // block of rows at a multiple of its size lies in one causal chunk.
    out.dim(1).set_min(0);
    s.out = out; // the schedule places the output itself: no intermediate copy of it

    s.over_features_max = features_for_max.x;
    s.over_keys_max = keys_for_max.x;
    s.over_tile_keys_context = tile_keys_for_context.x;
    s.over_tile_keys_sum = tile_keys_for_sum.x;
    s.over_tiles = over_tiles.x;
    s.over_features_numerator = features_for_numerator.x;
    s.over_features_normaliser = features_for_normaliser.x;
    s.over_segments_context = segments_for_context.x;
    s.over_segments_sum = segments_for_sum.x;
    s.over_chunks_context = chunks_for_context.x;
    s.over_chunks_sum = chunks_for_sum.x;
    s.over_features_prefix = features_for_prefix.x;
    s.over_features_prefix_sum = features_for_prefix_sum.x;
    s.over_features_scores = features_for_scores.x;
    s.over_chunk_keys_numerator = chunk_keys_for_numerator.x;
    s.over_chunk_keys_normaliser = chunk_keys_for_normaliser.x;
    s.causal = causal;
    s.feature_map = feature_map;
    s.dense_features = dense_features(q, k, v, out);
    s.heads_per_kv_head = heads_per_kv_head;
    s.head_dim = head_dim;
    s.value_dim = value_dim;
    s.keys_per_chunk = C;
    s.chunks_per_segment = S;
    s.keys_per_tile = T;
    constrain_head_sizes(q, k, v, out, head_dim, value_dim);
    // Without a key mask the plugin passes one byte with stride 0.
    key_mask.dim(0).set_stride(Expr());
    key_mask.dim(1).set_stride(Expr());
  }

  void schedule() { schedules::schedule_linear_attention_cpu(s, cpu_tunables, get_target()); }

 private:
  // A key index clamped into 0..Nk − 1, for the loads of keys that are not
  // visible.
  Expr clamp_key(const Expr &key_index) { return clamp(key_index, 0, k.dim(1).extent() - 1); }

  // The elementwise feature maps: elu(x) + 1 where `elu1`, else relu.
  static Expr elementwise_feature(const Expr &x, const Expr &elu1) {
    return select(elu1, select(x > 0.0f, x + 1.0f, exp_nonpositive(x)), max(x, 0.0f));
  }

  // Σ φ(k) ⊗ v and Σ φ(k) over the `length` keys of span n (keys
  // first + n·length onwards), per kv head g, once for all the query heads
  // that share it: the causal path takes them per segment and per chunk.
  // Keys outside 0..Nk − 1 are not visible (φ = 0); their v loads are
  // clamped.
  void define_span_sums(Func &context, Func &key_sum, const Var &span, int length, const Expr &first,
                        RVar &context_keys, RVar &sum_keys) {
    RDom keys_for_context(0, length, context.name() + "_keys");
    RDom keys_for_sum(0, length, key_sum.name() + "_keys");
    Var &d = s.d, &dv = s.dv, &g = s.g, &b = s.b;
    Expr context_key = first + span * length + keys_for_context;
    context(dv, d, span, g, b) = 0.0f;
    context(dv, d, span, g, b) += s.causal_features_k(d, context_key, g, b) * v(dv, clamp_key(context_key), g, b);
    key_sum(d, span, g, b) = 0.0f;
    key_sum(d, span, g, b) += s.causal_features_k(d, first + span * length + keys_for_sum, g, b);
    context_keys = keys_for_context.x;
    sum_keys = keys_for_sum.x;
  }
};

} // namespace attnforge::generators

HALIDE_REGISTER_GENERATOR(attnforge::generators::LinearAttention, linear_attention)
