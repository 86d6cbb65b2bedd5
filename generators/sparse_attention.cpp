// Sparse softmax attention: full attention restricted to allowed (i, j), with
// a cost that follows the key blocks each query block visits, not Nq × Nk.
//
//   O[b,h,i,:] = Σ_{j allowed} softmax_j( scale · q[b,h,i,:]·k[b,g,j,:] ) · v[b,g,j,:]
//   g = h / (Hq / Hkv)                                  (GQA and MQA share kv heads)
//   allowed(i, j) = j < kv_len[b]  ∧  (¬causal ∨ δ ≥ 0)
//                   ∧ ( j's block is in the visited list of i's query block
//                       ∧ (that block is flagged full  ∨  pattern(i, j))
//                     ∨ strided_per_row ∧ strided(i, j) )
//   p = i + Nk − Nq  (query i's position, aligned bottom-right as causal is),  δ = p − j
//   pattern = ⋁ of the enabled parts, or true when none is enabled:
//     local  (window_left ≥ 0 or window_right ≥ 0; a side at −1 counts as 0):
//            −window_right ≤ δ ≤ window_left
//     stride (stride > 0):  δ ≡ 0 (mod stride), and δ ≥ 0 when stride_one_sided
//     global (num_global > 0):  j < num_global  ∨  p < num_global  (p < 0 counts)
//
// Shapes (outermost first): q [B,Hq,Nq,D], k [B,Hkv,Nk,D], v [B,Hkv,Nk,Dv],
// out [B,Hq,Nq,Dv], block_count [Nqb], block_index and block_full [Nqb, Mb]
// with Nqb = ⌈Nq / block_size⌉; Halide indexes them innermost first.
//
// Strided keys row by row (strided_per_row, set by the plugin only for layouts
// it builds itself without the strided part): a strided block holds at most a
// few allowed pairs per row but costs a whole block, so instead each row
// visits its own stride class j ≡ p (mod stride) directly, keeping the keys
// the local and global parts do not already allow; the blocks then mask with
// the local and global parts only, and the online softmax merges the two.
// With stride s this costs N/s keys per row, against a quarter or more of
// all key blocks once s ≥ the block size.
//
// The block layout (which key blocks each query block visits) is data: the
// key-block loop of query block qb runs over slots r < block_count[qb] and
// reads key block block_index[qb, r], so skipped blocks cost nothing. Inside a
// visited block the pattern is an element mask, skipped where block_full says
// every pair is allowed. The runtime has checked the layout (in range, sorted,
// no duplicates) before this runs; indices are clamped anyway so that no load
// can leave k or v.
#include "Halide.h"

#include "attention_inputs.h"
#include "cpu/sparse_attention_cpu.h"
#include "online_softmax.h"
#include "sparse_attention_stages.h"

namespace attnforge::generators {

using namespace Halide;

class SparseAttention : public Generator<SparseAttention> {
 public:
  GeneratorParam<int> head_dim{"head_dim", 0};   // 0: any D
  GeneratorParam<int> value_dim{"value_dim", 0}; // 0: any Dv
  // Rows per query block and keys per key block of the layout; the plugin
  // declares the same number as its block_size parameter.
  GeneratorParam<int> block_size{"block_size", 64};
  schedules::SparseAttentionCpuTunables cpu_tunables;

  Input<Buffer<float, 4>> q{"q"};
  Input<Buffer<float, 4>> k{"k"};
  Input<Buffer<float, 4>> v{"v"};
  Input<Buffer<int32_t, 1>> kv_len{"kv_len"};
  Input<Buffer<int32_t, 1>> block_count{"block_count"}; // (query_block)
  Input<Buffer<int32_t, 2>> block_index{"block_index"}; // (slot, query_block)
  Input<Buffer<uint8_t, 2>> block_full{"block_full"};   // (slot, query_block), nonzero: skip the pattern mask
  Input<float> scale{"scale"};
  Input<bool> causal{"causal"};
  Input<int32_t> window_left{"window_left"};
  Input<int32_t> window_right{"window_right"};
  Input<int32_t> stride{"stride"};
  Input<bool> stride_one_sided{"stride_one_sided"};
  Input<int32_t> num_global{"num_global"};
  Input<bool> strided_per_row{"strided_per_row"};
  Output<Buffer<float, 4>> out{"out"};

  schedules::SparseAttentionStages s;

  void generate() {
    Var &dv = s.dv, &key_in_tile = s.key_in_tile, &row = s.row, &slot = s.slot, &block = s.query_block;
    Var &i = s.i, &h = s.h, &b = s.b;
    const AttentionShape shape = attention_shape(q, k, v);
    const int block_length = block_size; // rows per query block = keys per key block
    Expr key_tiles = (shape.keys + block_length - 1) / block_length;
    Expr kv_head = h / (shape.query_heads / shape.kv_heads);

    // Rows past Nq exist only in a ragged last query block; clamping keeps
    // their loads inside q, and out never stores them.
    s.queries(s.d, i, h, b) = q(s.d, min(i, shape.queries - 1), h, b);
    Expr query = block * block_length + row;
    // One key block per (slot, query block), whatever the row. Keys past Nk
    // exist only in a ragged last key block: masked by kv_len ≤ Nk, and
    // clamped for their loads.
    Expr visited_tile = clamp(block_index(slot, block), 0, key_tiles - 1);
    Expr key = visited_tile * block_length + key_in_tile;

    RDom over_features(0, shape.features, "over_features");
    s.scores(key_in_tile, row, slot, block, h, b) = 0.0f;
    s.scores(key_in_tile, row, slot, block, h, b) +=
        s.queries(over_features, query, h, b) * k(over_features, min(key, shape.keys - 1), kv_head, b);

    // The pattern as an element mask. (p − j) mod stride = 0 is tested as
    // phase(p) = phase(j): one division per position per call instead of one
    // per (i, j) pair, which x86 cannot vectorise.
    Var &position = s.position;
    s.stride_phase(position) = position % max(stride, 1);
    Expr query_position = query + shape.keys - shape.queries;
    Expr distance = query_position - key;
    Expr window_on = window_left >= 0 || window_right >= 0;
    Expr pattern_on = window_on || stride > 0 || num_global > 0;
    // The parts, for a query at `position` and a key at `key`, δ = position − key.
    auto local_part = [&](const Expr &delta) {
      return window_on && delta <= max(window_left, 0) && -delta <= max(window_right, 0);
    };
    auto strided_part = [&](const Expr &position, const Expr &key, const Expr &delta) {
      return stride > 0 && s.stride_phase(position) == s.stride_phase(key) && (!stride_one_sided || delta >= 0);
    };
    auto global_part = [&](const Expr &position, const Expr &key) {
      return num_global > 0 && (key < num_global || position < num_global);
    };
    // kv_len[b] ≤ Nk is part of the contract the runtime checks.
    Expr within_keys_and_causal = key < kv_len(b) && (!causal || distance >= 0);
    const Expr base2_scale = scale * kLog2E; // logits in base 2, as online_softmax.h takes them

    // Masked scores are the lowest float rather than −∞, so that a fully
    // masked block has a finite max and (x − max) never becomes ∞ − ∞. The
    // pattern is applied as a second pass over the block that runs only where
    // it can change something: the RDom's condition depends on the block
    // alone, so blocks flagged full (and calls with no pattern part) skip it.
    Expr score = s.scores(key_in_tile, row, slot, block, h, b);
    s.masked_scores(key_in_tile, row, slot, block, h, b) =
        select(within_keys_and_causal, base2_scale * score, Float(32).min());
    RDom keys_in_tile_for_mask(0, block_length, "keys_in_tile_for_mask");
    keys_in_tile_for_mask.where(pattern_on && block_full(slot, block) == 0);
    Expr mask_key = visited_tile * block_length + keys_in_tile_for_mask;
    Expr mask_distance = query_position - mask_key;
    // With the row path on, the strided keys are the row path's, not the blocks'.
    Expr mask_allowed = local_part(mask_distance) || global_part(query_position, mask_key) ||
                        (!strided_per_row && strided_part(query_position, mask_key, mask_distance));
    s.masked_scores(keys_in_tile_for_mask, row, slot, block, h, b) =
        select(mask_allowed, s.masked_scores(keys_in_tile_for_mask, row, slot, block, h, b), Float(32).min());

    RDom keys_in_tile(0, block_length, "keys_in_tile");
    s.tile_max(row, slot, block, h, b) = Float(32).min();
    s.tile_max(row, slot, block, h, b) =
        max(s.tile_max(row, slot, block, h, b), s.masked_scores(keys_in_tile, row, slot, block, h, b));

    Expr masked_score = s.masked_scores(key_in_tile, row, slot, block, h, b);
    s.weights(key_in_tile, row, slot, block, h, b) =
        select(masked_score > Float(32).min(),
               exp2_nonpositive(masked_score - s.tile_max(row, slot, block, h, b)), 0.0f);

    RDom keys_in_tile_for_sum(0, block_length, "keys_in_tile_for_sum");
    s.tile_sum(row, slot, block, h, b) = 0.0f;
    s.tile_sum(row, slot, block, h, b) += s.weights(keys_in_tile_for_sum, row, slot, block, h, b);

    RDom keys_in_tile_for_context(0, block_length, "keys_in_tile_for_context");
    Expr context_key = min(visited_tile * block_length + keys_in_tile_for_context, shape.keys - 1);
    s.tile_context(dv, row, slot, block, h, b) = 0.0f;
    s.tile_context(dv, row, slot, block, h, b) +=
        s.weights(keys_in_tile_for_context, row, slot, block, h, b) * v(dv, context_key, kv_head, b);

    // Online softmax, per query block: merge the visited key blocks, in list
    // order, into the block's running (context, max, sum). The list is data,
    // so the loop runs block_count[qb] times, whatever N is.
    RDom over_visited_blocks(0, block_index.dim(0).extent(), "over_visited_blocks");
    over_visited_blocks.where(over_visited_blocks < block_count(block));
    Expr r = over_visited_blocks;
    s.running(dv, row, block, h, b) = online_softmax_start();
    s.running(dv, row, block, h, b) = online_softmax_merge(
        Tuple(s.running(dv, row, block, h, b)), s.tile_context(dv, row, r, block, h, b),
        s.tile_max(row, r, block, h, b), s.tile_sum(row, r, block, h, b));

    // The row path works class by class: the queries at positions
    // p = c + S·a and the keys j = c + S·t of stride class c share one small
    // dense problem (a × t), whose q, k and v rows stay in L1 while it runs,
    // instead of every row fetching its own class's keys from memory.
    const Expr S = max(stride, 1);
    Var &t = s.key_in_class, &a = s.query_in_class, &c = s.stride_class;
    Expr class_position = c + S * a;
    Expr class_query = class_position - (shape.keys - shape.queries);
    auto class_key = [&](const Expr &index) { return c + S * index; };
    RDom row_features(0, shape.features, "over_row_features");
    s.row_scores(t, a, c, h, b) = 0.0f;
    s.row_scores(t, a, c, h, b) += q(row_features, clamp(class_query, 0, shape.queries - 1), h, b) *
                                   k(row_features, min(class_key(t), shape.keys - 1), kv_head, b);
    Expr class_distance = class_position - class_key(t);
    Expr row_allowed = class_key(t) < kv_len(b) && (!causal || class_distance >= 0) &&
                       (!stride_one_sided || class_distance >= 0) && !local_part(class_distance) &&
                       !global_part(class_position, class_key(t));
    s.row_masked_scores(t, a, c, h, b) =
        select(row_allowed, base2_scale * s.row_scores(t, a, c, h, b), Float(32).min());

    const Expr keys_in_class = select(strided_per_row && stride > 0, (shape.keys + S - 1) / S, 0);
    RDom class_keys_for_max(0, keys_in_class, "over_class_keys_max");
    RDom class_keys_for_sum(0, keys_in_class, "over_class_keys_sum");
    RDom class_keys_for_context(0, keys_in_class, "over_class_keys_context");
    s.row_max(a, c, h, b) = Float(32).min();
    s.row_max(a, c, h, b) = max(s.row_max(a, c, h, b), s.row_masked_scores(class_keys_for_max, a, c, h, b));
    Expr row_masked_score = s.row_masked_scores(t, a, c, h, b);
    s.row_weights(t, a, c, h, b) =
        select(row_masked_score > Float(32).min(), exp2_nonpositive(row_masked_score - s.row_max(a, c, h, b)), 0.0f);
    s.row_sum(a, c, h, b) = 0.0f;
    s.row_sum(a, c, h, b) += s.row_weights(class_keys_for_sum, a, c, h, b);
    s.row_context(dv, a, c, h, b) = 0.0f;
    s.row_context(dv, a, c, h, b) += s.row_weights(class_keys_for_context, a, c, h, b) *
                                     v(dv, min(class_key(class_keys_for_context), shape.keys - 1), kv_head, b);

    // Everything out needs of the row path, in one place a schedule can store.
    s.row_result(dv, a, c, h, b) = Tuple(s.row_context(dv, a, c, h, b), s.row_max(a, c, h, b), s.row_sum(a, c, h, b));

    // The blocks' result, merged with the row path's when it is on.
    Tuple blocks = s.running(dv, i % block_length, i / block_length, h, b);
    Expr row_position = i + shape.keys - shape.queries;
    Expr row_class = s.stride_phase(row_position), row_in_class = (row_position - row_class) / S;
    Tuple strided = s.row_result(dv, row_in_class, row_class, h, b);
    Tuple merged = online_softmax_merge(blocks, strided[0], strided[1], strided[2]);
    out(dv, i, h, b) = select(strided_per_row, online_softmax_result(merged[0], merged[2]),
                              online_softmax_result(blocks[0], blocks[2]));
    s.out = out; // the schedule places the output itself: no intermediate copy of it

    s.over_features = over_features.x;
    s.over_tile_keys_mask = keys_in_tile_for_mask.x;
    s.over_tile_keys_max = keys_in_tile.x;
    s.over_tile_keys_sum = keys_in_tile_for_sum.x;
    s.over_tile_keys_context = keys_in_tile_for_context.x;
    s.over_visited_blocks = over_visited_blocks.x;
    s.over_row_features = row_features.x;
    s.over_class_keys_max = class_keys_for_max.x;
    s.over_class_keys_sum = class_keys_for_sum.x;
    s.over_class_keys_context = class_keys_for_context.x;
    s.strided_per_row = strided_per_row;
    s.dense_features = dense_features(q, k, v, out);
    s.head_dim = head_dim;
    s.value_dim = value_dim;
    s.block_size = block_length;
    constrain_head_sizes(q, k, v, out, head_dim, value_dim);
    // The plugin passes size-1 dimensions with stride 0 (plugins/common), and
    // an absent block_full as one zero byte seen through stride-0 dimensions;
    // these small integer inputs are read a scalar at a time, so any stride is free.
    kv_len.dim(0).set_stride(Expr());
    block_count.dim(0).set_stride(Expr());
    block_index.dim(0).set_stride(Expr());
    block_full.dim(0).set_stride(Expr());
  }

  void schedule() {
    schedules::schedule_sparse_attention_cpu(s, cpu_tunables, get_target());
  }
};

} // namespace attnforge::generators

HALIDE_REGISTER_GENERATOR(attnforge::generators::SparseAttention, sparse_attention)
