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
// `keys_per_tile`. Each tile yields its (Σexp, Σexp·v) per row, merged left to
// right into the block's running state and rescaled as the row's max grows,
// so no Nq×Nk matrix ever exists. A row that sees no key has sum 0 and
// yields 0. Scores are base-2 logits, scale·log2(e)·q·k (q is scaled once
// per block), so each weight is 2^(logit − max). The caller picks the max
// each tile's weights are taken relative to (`skip_hidden_tiles`), and the
// pipeline takes the first path anyway where the second's larger tiles
// would not pay (`own_max_path`):
//  - its own max: the merge rescales per (value feature, row), since the
//    state then carries the max, but a block visits only the tiles one of its
//    rows can see, so causal and padded calls do less work instead of just
//    masking it;
//  - the row's running max over the tiles so far: a prefix max of the tile
//    maxes, so one rescale factor per row and tile, but every tile is
//    visited (each one's max joins the next ones'). For calls that hide no
//    key: this path masks only keys past Nk, so skip_hidden_tiles must be
//    true for causal calls and for any kv_len[b] < Nk.
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
  // The running-max path's tiles (0: keys_per_tile). Its merge is cheap, so
  // larger tiles, which halve the merges, can pay there and not elsewhere.
  GeneratorParam<int> running_max_keys_per_tile{"running_max_keys_per_tile", 0};
  GeneratorParam<int> queries_per_block{"queries_per_block", 32};
  schedules::FullAttentionCpuTunables cpu_tunables;

  Input<Buffer<float, 4>> q{"q"};
  Input<Buffer<float, 4>> k{"k"};
  Input<Buffer<float, 4>> v{"v"};
  Input<Buffer<int32_t, 1>> kv_len{"kv_len"};
  Input<float> scale{"scale"};
  Input<bool> causal{"causal"};
  Input<bool> skip_hidden_tiles{"skip_hidden_tiles"};
  Output<Buffer<float, 4>> out{"out"};

  schedules::FullAttentionStages s;

  void generate() {
    Var &dv = s.dv, &j = s.j, &i = s.i, &h = s.h, &b = s.b;
    const AttentionShape shape = attention_shape(q, k, v);

    // q, k and v seen through clamped indices: rows past Nq and keys past Nk
    // exist only in a ragged last block or tile, where they are masked (keys)
    // or never stored (rows); clamping keeps their loads inside the buffers.
    // q carries the scale, in base 2: an O(N·D) multiply instead of one per
    // score in the tile max and again in the weights.
    s.queries(s.d, i, h, b) = q(s.d, min(i, shape.queries - 1), h, b) * (scale * kLog2E);
    s.keys(s.d, j, h, b) = k(s.d, clamp(j, 0, shape.keys - 1), h, b);
    s.values(dv, j, h, b) = v(dv, min(j, shape.keys - 1), h, b);
    // Long query sequences read k regrouped into panels of a q·k register
    // block's keys (the schedule's keys_per_register_block), the panel's keys
    // side by side for each feature, so that q·k reads k in address order. The
    // regrouping, a pass over k per head, pays only where many query blocks
    // share it. (keys clamps below too: a head's panels are bounded over the
    // key tiles its blocks can see, a bound in kv_len that starts before
    // key 0 where a row sees no key.)
    const int P = cpu_tunables.keys_per_register_block;
    s.key_panels(s.key_in_panel, s.d, s.panel, h, b) = s.keys(s.d, s.panel * P + s.key_in_panel, h, b);
    s.keys_in_panels = shape.queries >= cpu_tunables.queries_for_key_panels;
    keys_for_scores(s.d, j, h, b) =
        select(s.keys_in_panels, s.key_panels(j % P, s.d, j / P, h, b), s.keys(s.d, j, h, b));

    define_tile_path(s.own_max, shape, false);
    define_tile_path(s.running_max, shape, true);
    const int Q = queries_per_block;
    auto result = [&](schedules::FullAttentionTilePath &path) {
      Tuple state = path.running(dv, i % Q, i / Q, h, b); // (context, [max,] sum)
      return online_softmax_result(state[0], state[state.size() - 1]);
    };
    // The running-max path's tiles may be larger (running_max_keys_per_tile).
    // Where they would pad Nk with more keys than the own-max path's, or
    // hold every key in one tile, they cost more than the cheaper merges
    // win (H·N² constant, own-max ÷ running-max, 2 threads: N=128 0.64,
    // N=384 0.70, N=1025 0.89, N=512 to 1024 within 1.5%; one thread:
    // N=256 0.83).
    const int own_max_tile = keys_per_tile;
    const int running_max_tile = running_max_keys_per_tile > 0 ? int(running_max_keys_per_tile) : own_max_tile;
    auto padded_keys = [&](int tile) { return (shape.keys + tile - 1) / tile * tile; };
    Expr own_max_path = skip_hidden_tiles;
    if (running_max_tile != own_max_tile) {
      Expr running_max_pays = padded_keys(running_max_tile) <= padded_keys(own_max_tile) &&
                              shape.keys > running_max_tile;
      own_max_path = own_max_path || !running_max_pays;
    }
    out(dv, i, h, b) = select(own_max_path, result(s.own_max), result(s.running_max));
    s.out = out; // the schedule places the output itself: no intermediate copy of it

    s.causal = causal;
    s.own_max_path = own_max_path;
    s.dense_features = dense_features(q, k, v, out);
    s.head_dim = head_dim;
    s.value_dim = value_dim;
    s.queries_per_block = Q;
    constrain_head_sizes(q, k, v, out, head_dim, value_dim);
  }

  void schedule() {
    schedules::schedule_full_attention_cpu(s, cpu_tunables, get_target());
  }

 private:
  // k as q·k reads it, (d, j, g, b): from key_panels for long calls, in place
  // for the rest. Inlined into both paths' scores.
  Func keys_for_scores{"keys_for_scores"};

  // One path from q, k and v to a block's running (context, max, sum); with
  // `relative_to_running_max`, exps are taken relative to the row's max over
  // the tiles so far rather than the tile's own.
  void define_tile_path(schedules::FullAttentionTilePath &p, const AttentionShape &shape,
                        bool relative_to_running_max) {
    Var &dv = s.dv, &j = s.j, &i = s.i, &key_tile = s.key_tile, &h = s.h, &b = s.b;
    const int T = relative_to_running_max && running_max_keys_per_tile > 0 ? running_max_keys_per_tile : keys_per_tile;
    const int Q = queries_per_block;
    const Expr tiles = (shape.keys + T - 1) / T;
    Expr kv_head = h / (shape.query_heads / shape.kv_heads);

    // The first feature's product starts the sum (D ≥ 1): a start at 0 would
    // be stored as a memset of the whole register block on x86, once per block.
    RDom over_features(1, shape.features - 1, "over_features");
    p.scores(j, i, h, b) = s.queries(0, i, h, b) * keys_for_scores(0, j, kv_head, b);
    p.scores(j, i, h, b) += s.queries(over_features, i, h, b) * keys_for_scores(over_features, j, kv_head, b);

    // kv_len[b] ≤ Nk is part of the contract the runtime checks. The
    // running-max path serves only calls that hide no key, so it masks just
    // the keys past Nk of a ragged last tile; when Nk fills whole tiles the
    // mask is `true` outright, which a schedule can specialise on.
    Expr last_visible_key = select(causal, min(kv_len(b) - 1, i + shape.keys - shape.queries), kv_len(b) - 1);
    p.keys_fill_tiles = shape.keys % T == 0;
    auto is_visible = [&](const Expr &key) {
      return relative_to_running_max ? (p.keys_fill_tiles || key < shape.keys) : key <= last_visible_key;
    };

    // Masked scores count as the lowest float rather than −∞, so that a fully
    // masked tile has a finite max and (x − max) never becomes ∞ − ∞.
    RDom keys_in_tile(0, T, "keys_in_tile");
    Expr tile_key = key_tile * T + keys_in_tile;
    p.tile_max(i, key_tile, h, b) = Float(32).min();
    p.tile_max(i, key_tile, h, b) =
        max(p.tile_max(i, key_tile, h, b),
            select(is_visible(tile_key), p.scores(tile_key, i, h, b), Float(32).min()));

    Expr weight_max = p.tile_max(i, j / T, h, b);
    if (relative_to_running_max) {
      RDom tiles_so_far(0, tiles, "tiles_so_far");
      tiles_so_far.where(tiles_so_far <= key_tile);
      p.max_so_far(i, key_tile, h, b) = Float(32).min();
      p.max_so_far(i, key_tile, h, b) =
          max(p.max_so_far(i, key_tile, h, b), p.tile_max(i, tiles_so_far, h, b));
      // What the state gathered over tiles 0..t−1 is worth relative to the
      // max over 0..t (1 for tile 0, whose state is still empty).
      p.rescale(i, key_tile, h, b) =
          exp2_nonpositive(p.max_so_far(i, max(key_tile - 1, 0), h, b) - p.max_so_far(i, key_tile, h, b));
      weight_max = p.max_so_far(i, j / T, h, b);
    }
    p.weights(j, i, h, b) = select(is_visible(j), exp2_nonpositive(p.scores(j, i, h, b) - weight_max), 0.0f);

    RDom keys_in_tile_for_sum(0, T, "keys_in_tile_for_sum");
    p.tile_sum(i, key_tile, h, b) = 0.0f;
    p.tile_sum(i, key_tile, h, b) += p.weights(key_tile * T + keys_in_tile_for_sum, i, h, b);

    RDom keys_in_tile_for_context(0, T, "keys_in_tile_for_context");
    Expr context_key = key_tile * T + keys_in_tile_for_context;
    p.tile_context(dv, i, key_tile, h, b) = 0.0f;
    p.tile_context(dv, i, key_tile, h, b) +=
        p.weights(context_key, i, h, b) * s.values(dv, context_key, kv_head, b);

    // Online softmax, per block of `queries_per_block` rows: merge tile t into
    // the block's running state. The own-max path skips the tiles none of the
    // block's rows can see; the running-max path, which serves calls that
    // hide no key, visits every tile.
    Var &row = s.row, &query_block = s.query_block;
    Expr block_row = query_block * Q + row;
    RDom over_key_tiles(0, tiles, "over_key_tiles");
    Expr t = over_key_tiles;
    if (!relative_to_running_max) {
      Expr block_last_visible_key = select(
          causal, min(kv_len(b) - 1, query_block * Q + (Q - 1) + shape.keys - shape.queries), kv_len(b) - 1);
      over_key_tiles.where(t * T <= block_last_visible_key);
    }

    Expr tile_context = p.tile_context(dv, block_row, t, h, b), tile_sum = p.tile_sum(block_row, t, h, b);
    if (relative_to_running_max) {
      // (context, sum): the max lives in max_so_far, one factor per row.
      p.running(dv, row, query_block, h, b) = Tuple(0.0f, 0.0f);
      Tuple state = p.running(dv, row, query_block, h, b);
      Expr factor = p.rescale(block_row, t, h, b);
      p.running(dv, row, query_block, h, b) = Tuple(state[0] * factor + tile_context, state[1] * factor + tile_sum);
    } else {
      p.running(dv, row, query_block, h, b) = online_softmax_start();
      p.running(dv, row, query_block, h, b) = online_softmax_merge(
          p.running(dv, row, query_block, h, b), tile_context, p.tile_max(block_row, t, h, b), tile_sum);
    }

    p.over_features = over_features.x;
    p.over_tile_keys_max = keys_in_tile.x;
    p.over_tile_keys_sum = keys_in_tile_for_sum.x;
    p.over_tile_keys_context = keys_in_tile_for_context.x;
    p.over_key_tiles = over_key_tiles.x;
    p.rescales_per_row = relative_to_running_max;
    p.keys_per_tile = T;
  }
};

} // namespace attnforge::generators

HALIDE_REGISTER_GENERATOR(attnforge::generators::FullAttention, full_attention)
