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
//   causal (query i sees keys j ≤ p_i = i + Nk − Nq, bottom-right aligned):
//     the same sums over j ≤ p_i only; keys are cut into chunks of C, whole
//     earlier chunks come from exclusive prefix sums of per-chunk sums, and the
//     query's own chunk is summed exactly, pair by pair.
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
// Sums are taken per chunk and then over chunks in both paths, which keeps
// f32 rounding at O(√C + √(N/C)) ulps rather than O(√N) for long sequences.
#include "Halide.h"

#include "attention_inputs.h"
#include "cpu/linear_attention_cpu.h"
#include "linear_attention_stages.h"

namespace attnforge::generators {

using namespace Halide;

class LinearAttention : public Generator<LinearAttention> {
 public:
  GeneratorParam<int> head_dim{"head_dim", 0};   // 0: any D
  GeneratorParam<int> value_dim{"value_dim", 0}; // 0: any Dv
  GeneratorParam<int> keys_per_chunk{"keys_per_chunk", 64};
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
    const Expr chunks = (shape.keys + C - 1) / C;
    Expr kv_head = h / (shape.query_heads / shape.kv_heads);

    // Keys past Nk exist only in the last, ragged chunk: they are not visible
    // (kv_len ≤ Nk is checked by the runtime), and clamping keeps their
    // unused loads inside k, v and key_mask. Rows past Nq exist only in a
    // schedule's ragged query tile, which out never stores.
    Expr key = min(j, shape.keys - 1);
    Expr query = min(i, shape.queries - 1);
    Expr visible = j < kv_len(b) && key_mask(key, b) != 0;

    // φ(q): softmax over features, or elementwise. The softmax statistics
    // are only needed by the softmax map, so other maps reduce over nothing.
    const Expr features_for_softmax = select(softmax, shape.features, 0);
    RDom features_for_max(0, features_for_softmax, "over_features_max");
    RDom features_for_sum(0, features_for_softmax, "over_features_sum");
    s.query_max(i, h, b) = Float(32).min();
    s.query_max(i, h, b) = max(s.query_max(i, h, b), q(features_for_max, query, h, b));
    s.query_exp_sum(i, h, b) = 0.0f;
    s.query_exp_sum(i, h, b) += exp_nonpositive(q(features_for_sum, query, h, b) - s.query_max(i, h, b));
    Expr q_value = q(d, query, h, b);
    s.features_q(d, i, h, b) =
        select(softmax, exp_nonpositive(q_value - s.query_max(i, h, b)) / s.query_exp_sum(i, h, b),
               elu1, elu_plus_one(q_value), max(q_value, 0.0f));

    // φ(k): softmax over the visible keys, per feature (statistics likewise).
    const Expr keys_for_softmax = select(softmax, shape.keys, 0);
    RDom keys_for_max(0, keys_for_softmax, "over_keys_max");
    RDom keys_for_sum(0, keys_for_softmax, "over_keys_sum");
    // Masked keys are −∞ before the softmax: they join neither max nor sum.
    auto is_visible = [&](const Expr &key_index) {
      return key_index < kv_len(b) && key_mask(key_index, b) != 0;
    };
    s.key_max(d, g, b) = Float(32).min();
    s.key_max(d, g, b) = max(s.key_max(d, g, b), select(is_visible(keys_for_max), k(d, keys_for_max, g, b),
                                                        Float(32).min()));
    s.key_exp_sum(d, g, b) = 0.0f;
    s.key_exp_sum(d, g, b) +=
        select(is_visible(keys_for_sum), exp_nonpositive(k(d, keys_for_sum, g, b) - s.key_max(d, g, b)), 0.0f);
    Expr k_value = k(d, key, g, b);
    s.features_k(d, j, g, b) =
        select(!visible, 0.0f,
               softmax, exp_nonpositive(k_value - s.key_max(d, g, b)) / s.key_exp_sum(d, g, b),
               elu1, elu_plus_one(k_value), max(k_value, 0.0f));

    // Non-causal: per-chunk sums, then their total.
    define_chunk_sums(s.chunk_context, s.chunk_key_sum, g, g, s.over_chunk_keys_context, s.over_chunk_keys_sum);
    const Expr noncausal_chunks = select(causal, 0, chunks);
    RDom chunks_for_context(0, noncausal_chunks, "over_chunks_context");
    RDom chunks_for_sum(0, noncausal_chunks, "over_chunks_sum");
    s.context(dv, d, g, b) = 0.0f;
    s.context(dv, d, g, b) += s.chunk_context(dv, d, chunks_for_context, g, b);
    s.key_sum(d, g, b) = 0.0f;
    s.key_sum(d, g, b) += s.chunk_key_sum(d, chunks_for_sum, g, b);

    RDom features_for_numerator(0, shape.features, "over_features_numerator");
    RDom features_for_normaliser(0, shape.features, "over_features_normaliser");
    s.numerator(dv, i, h, b) = 0.0f;
    s.numerator(dv, i, h, b) +=
        s.features_q(features_for_numerator, i, h, b) * s.context(dv, features_for_numerator, kv_head, b);
    s.normaliser(i, h, b) = eps;
    s.normaliser(i, h, b) +=
        s.features_q(features_for_normaliser, i, h, b) * s.key_sum(features_for_normaliser, kv_head, b);

    // Causal: the same chunk sums per query head, scanned into exclusive
    // prefixes: prefix(c) holds every key of chunks 0 … c−1.
    define_chunk_sums(s.causal_chunk_context, s.causal_chunk_key_sum, h, kv_head,
                      s.over_causal_chunk_keys_context, s.over_causal_chunk_keys_sum);
    const Expr scanned_chunks = select(causal, chunks - 1, 0);
    RDom prefix_for_context(0, scanned_chunks, "over_prefix_context");
    RDom prefix_for_sum(0, scanned_chunks, "over_prefix_sum");
    s.prefix_context(dv, d, c, h, b) = 0.0f;
    s.prefix_context(dv, d, prefix_for_context + 1, h, b) =
        s.prefix_context(dv, d, prefix_for_context, h, b) +
        s.causal_chunk_context(dv, d, prefix_for_context, h, b);
    s.prefix_key_sum(d, c, h, b) = 0.0f;
    s.prefix_key_sum(d, prefix_for_sum + 1, h, b) =
        s.prefix_key_sum(d, prefix_for_sum, h, b) + s.causal_chunk_key_sum(d, prefix_for_sum, h, b);

    Expr last_key = i + shape.keys - shape.queries; // p_i; < 0: the row sees no key
    Expr query_chunk = select(causal, max(last_key, 0) / C, 0);
    RDom features_for_scores(0, shape.features, "over_features_scores");
    s.chunk_scores(r, i, h, b) = 0.0f;
    s.chunk_scores(r, i, h, b) += s.features_q(features_for_scores, i, h, b) *
                                  s.features_k(features_for_scores, query_chunk * C + r, kv_head, b);
    RDom chunk_keys_for_numerator(0, C, "over_chunk_keys_numerator");
    RDom chunk_keys_for_normaliser(0, C, "over_chunk_keys_normaliser");
    auto own_chunk_score = [&](const Expr &key_in_chunk) {
      return select(query_chunk * C + key_in_chunk <= last_key, s.chunk_scores(key_in_chunk, i, h, b), 0.0f);
    };
    RDom features_for_prefix(0, shape.features, "over_features_prefix");
    RDom features_for_prefix_sum(0, shape.features, "over_features_prefix_sum");
    s.causal_numerator(dv, i, h, b) = 0.0f;
    s.causal_numerator(dv, i, h, b) += s.features_q(features_for_prefix, i, h, b) *
                                       s.prefix_context(dv, features_for_prefix, query_chunk, h, b);
    Expr own_key = min(query_chunk * C + chunk_keys_for_numerator, shape.keys - 1);
    s.causal_numerator(dv, i, h, b) += own_chunk_score(chunk_keys_for_numerator) * v(dv, own_key, kv_head, b);
    s.causal_normaliser(i, h, b) = eps;
    s.causal_normaliser(i, h, b) += s.features_q(features_for_prefix_sum, i, h, b) *
                                    s.prefix_key_sum(features_for_prefix_sum, query_chunk, h, b);
    s.causal_normaliser(i, h, b) += own_chunk_score(chunk_keys_for_normaliser);

    // softmax has no normaliser; the others divide by φ(q)ᵀΣφ(k) + eps, which
    // is ≥ eps > 0, so a row that sees no key yields 0, never NaN.
    Expr noncausal_out = select(softmax, s.numerator(dv, i, h, b), s.numerator(dv, i, h, b) / s.normaliser(i, h, b));
    Expr causal_out = select(softmax, s.causal_numerator(dv, i, h, b),
                             s.causal_numerator(dv, i, h, b) / s.causal_normaliser(i, h, b));
    out(dv, i, h, b) = select(causal, causal_out, noncausal_out);
    s.out = out; // the schedule places the output itself: no intermediate copy of it

    s.over_features_max = features_for_max.x;
    s.over_features_sum = features_for_sum.x;
    s.over_keys_max = keys_for_max.x;
    s.over_keys_sum = keys_for_sum.x;
    s.over_chunks_context = chunks_for_context.x;
    s.over_chunks_sum = chunks_for_sum.x;
    s.over_prefix_context = prefix_for_context.x;
    s.over_prefix_sum = prefix_for_sum.x;
    s.over_features_numerator = features_for_numerator.x;
    s.over_features_normaliser = features_for_normaliser.x;
    s.over_features_prefix = features_for_prefix.x;
    s.over_features_prefix_sum = features_for_prefix_sum.x;
    s.over_features_scores = features_for_scores.x;
    s.over_chunk_keys_numerator = chunk_keys_for_numerator.x;
    s.over_chunk_keys_normaliser = chunk_keys_for_normaliser.x;
    s.causal = causal;
    s.feature_map = feature_map;
    s.dense_features = q.dim(0).stride() == 1 && k.dim(0).stride() == 1 && v.dim(0).stride() == 1 &&
                       out.dim(0).stride() == 1;
    s.head_dim = head_dim;
    s.value_dim = value_dim;
    s.keys_per_chunk = C;
    constrain_head_sizes(q, k, v, out, head_dim, value_dim);
    // Without a key mask the plugin passes one byte with stride 0.
    key_mask.dim(0).set_stride(Expr());
    key_mask.dim(1).set_stride(Expr());
  }

  void schedule() { schedules::schedule_linear_attention_cpu(s, cpu_tunables, get_target()); }

 private:
  static Expr elu_plus_one(const Expr &x) { return select(x > 0.0f, x + 1.0f, exp_nonpositive(x)); }

  // Σ over the keys of chunk c of φ(k) ⊗ v and of φ(k), for the head `head`
  // (its kv head is `kv_head`). Both paths need them, placed differently.
  void define_chunk_sums(Func &context, Func &key_sum, const Var &head, const Expr &kv_head,
                         RVar &context_keys, RVar &sum_keys) {
    const int C = keys_per_chunk;
    const Expr keys = k.dim(1).extent();
    RDom keys_for_context(0, C, context.name() + "_keys");
    RDom keys_for_sum(0, C, key_sum.name() + "_keys");
    Var &d = s.d, &dv = s.dv, &c = s.c, &b = s.b;
    Expr context_key = c * C + keys_for_context;
    context(dv, d, c, head, b) = 0.0f;
    context(dv, d, c, head, b) +=
        s.features_k(d, context_key, kv_head, b) * v(dv, min(context_key, keys - 1), kv_head, b);
    key_sum(d, c, head, b) = 0.0f;
    key_sum(d, c, head, b) += s.features_k(d, c * C + keys_for_sum, kv_head, b);
    context_keys = keys_for_context.x;
    sum_keys = keys_for_sum.x;
  }
};

} // namespace attnforge::generators

HALIDE_REGISTER_GENERATOR(attnforge::generators::LinearAttention, linear_attention)
