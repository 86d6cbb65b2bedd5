// Full softmax attention, tiled over keys with an online softmax.
//
//   O[b,h,i,:] = Σ_j softmax_j( scale · q[b,h,i,:]·k[b,g,j,:] + mask[b,i,j] ) · v[b,g,j,:]
//   g = h / (Hq / Hkv)                          (GQA and MQA share kv heads)
//   mask[b,i,j] = 0 where j < kv_len[b] and, when causal, j ≤ i + Nk − Nq; else −∞
//
// Shapes (outermost first): q [B,Hq,Nq,D], k [B,Hkv,Nk,D], v [B,Hkv,Nk,Dv],
// out [B,Hq,Nq,Dv]; Halide indexes them innermost first: q(d, i, h, b).
//
// Queries are taken in blocks of `queries_per_block`, keys in tiles of
// `keys_per_tile`. Each tile yields its own (max, Σexp, Σexp·v) per row,
// relative to its own max; tiles are merged left to right by rescaling to the
// larger max, so no Nq×Nk matrix ever exists. A row that sees no key has sum 0
// and yields 0.
#include "Halide.h"

#include "attention_inputs.h"
#include "cpu/full_attention_cpu.h"
#include "full_attention_stages.h"
#include "online_softmax.h"

namespace attnforge::generators {

using namespace Halide;

class FullAttention : public Generator<FullAttention> {
 public:
  GeneratorParam<int> head_dim{"head_dim", 0};   // 0: any D
  GeneratorParam<int> value_dim{"value_dim", 0}; // 0: any Dv
  // Work is split into blocks of queries × tiles of keys (FlashAttention's
  // structure); both sizes are tunables read from schedules/tuned/.
  GeneratorParam<int> keys_per_tile{"keys_per_tile", 64};
  GeneratorParam<int> queries_per_block{"queries_per_block", 32};
  schedules::FullAttentionCpuTunables cpu_tunables;

  Input<Buffer<float, 4>> q{"q"};
  Input<Buffer<float, 4>> k{"k"};
  Input<Buffer<float, 4>> v{"v"};
  Input<Buffer<int32_t, 1>> kv_len{"kv_len"};
  Input<float> scale{"scale"};
  Input<bool> causal{"causal"};
  Output<Buffer<float, 4>> out{"out"};

  schedules::FullAttentionStages s;

  void generate() {
    Var &dv = s.dv, &j = s.j, &i = s.i, &key_tile = s.key_tile, &h = s.h, &b = s.b;
    const AttentionShape shape = attention_shape(q, k, v);
    const int T = keys_per_tile;
    const int Q = queries_per_block;

    Expr kv_head = h / (shape.query_heads / shape.kv_heads);
    // q, k and v seen through clamped indices: rows past Nq and keys past Nk
    // exist only in a ragged last block or tile, where they are masked (keys)
    // or never stored (rows); clamping keeps their loads inside the buffers.
    s.queries(s.d, i, h, b) = q(s.d, min(i, shape.queries - 1), h, b);
    s.keys(s.d, j, h, b) = k(s.d, min(j, shape.keys - 1), h, b);
    s.values(dv, j, h, b) = v(dv, min(j, shape.keys - 1), h, b);

    RDom over_features(0, shape.features, "over_features");
    s.scores(j, i, h, b) = 0.0f;
    s.scores(j, i, h, b) += s.queries(over_features, i, h, b) * s.keys(over_features, j, kv_head, b);
    Expr scaled_score = scale * s.scores(j, i, h, b);

    // kv_len[b] ≤ Nk is part of the contract the runtime checks.
    Expr last_visible_key = select(causal, min(kv_len(b) - 1, i + shape.keys - shape.queries), kv_len(b) - 1);
    Expr visible = j <= last_visible_key;

    // Masked scores count as the lowest float rather than −∞, so that a fully
    // masked tile has a finite max and (x − max) never becomes ∞ − ∞.
    RDom keys_in_tile(0, T, "keys_in_tile");
    Expr tile_key = key_tile * T + keys_in_tile;
    s.tile_max(i, key_tile, h, b) = Float(32).min();
    s.tile_max(i, key_tile, h, b) =
        max(s.tile_max(i, key_tile, h, b),
            select(tile_key <= last_visible_key, scale * s.scores(tile_key, i, h, b), Float(32).min()));

    s.weights(j, i, h, b) =
        select(visible, exp_nonpositive(scaled_score - s.tile_max(i, j / T, h, b)), 0.0f);

    RDom keys_in_tile_for_sum(0, T, "keys_in_tile_for_sum");
    s.tile_sum(i, key_tile, h, b) = 0.0f;
    s.tile_sum(i, key_tile, h, b) += s.weights(key_tile * T + keys_in_tile_for_sum, i, h, b);

    RDom keys_in_tile_for_context(0, T, "keys_in_tile_for_context");
    Expr context_key = key_tile * T + keys_in_tile_for_context;
    s.tile_context(dv, i, key_tile, h, b) = 0.0f;
    s.tile_context(dv, i, key_tile, h, b) +=
        s.weights(context_key, i, h, b) * s.values(dv, context_key, kv_head, b);

    // Online softmax, per block of `queries_per_block` rows: merge tile t into
    // the block's running (context, max, sum). A block visits only the key
    // tiles one of its rows can see, so causal and padded calls do less work
    // instead of just masking it.
    Var &row = s.row, &query_block = s.query_block;
    Expr block_row = query_block * Q + row;
    Expr block_last_visible_key =
        select(causal, min(kv_len(b) - 1, query_block * Q + (Q - 1) + shape.keys - shape.queries), kv_len(b) - 1);
    RDom over_key_tiles(0, (shape.keys + T - 1) / T, "over_key_tiles");
    Expr t = over_key_tiles;
    over_key_tiles.where(t * T <= block_last_visible_key);

    s.running(dv, row, query_block, h, b) = online_softmax_start();
    s.running(dv, row, query_block, h, b) =
        online_softmax_merge(s.running(dv, row, query_block, h, b), s.tile_context(dv, block_row, t, h, b),
                             s.tile_max(block_row, t, h, b), s.tile_sum(block_row, t, h, b));

    Expr final_context = s.running(dv, i % Q, i / Q, h, b)[0];
    Expr row_sum = s.running(dv, i % Q, i / Q, h, b)[2];
    out(dv, i, h, b) = online_softmax_result(final_context, row_sum);
    s.out = out; // the schedule places the output itself: no intermediate copy of it

    s.over_features = over_features.x;
    s.over_tile_keys_max = keys_in_tile.x;
    s.over_tile_keys_sum = keys_in_tile_for_sum.x;
    s.over_tile_keys_context = keys_in_tile_for_context.x;
    s.over_key_tiles = over_key_tiles.x;
    s.causal = causal;
    s.dense_features = q.dim(0).stride() == 1 && k.dim(0).stride() == 1 && v.dim(0).stride() == 1 &&
                       out.dim(0).stride() == 1;
    s.head_dim = head_dim;
    s.value_dim = value_dim;
    s.keys_per_tile = T;
    s.queries_per_block = Q;
    constrain_head_sizes(q, k, v, out, head_dim, value_dim);
  }

  void schedule() {
    schedules::schedule_full_attention_cpu(s, cpu_tunables, get_target());
  }
};

} // namespace attnforge::generators

HALIDE_REGISTER_GENERATOR(attnforge::generators::FullAttention, full_attention)
