#include "problem_options.hpp"

#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "attnforge/error.hpp"

namespace attnforge::cli {
namespace {

constexpr int64_t kLargestSize = int64_t{1} << 24;

// Sizes are whole numbers from 1 to kLargestSize; say so instead of CLI11's
// generic range message when the text is not even a number.
CLI::Validator positive_size() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        char *end = nullptr;
        const long long value = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || value < 1 || value > kLargestSize) {
          return fmt::format("expected a whole number from 1 to {}, got '{}'", kLargestSize, text);
        }
        return "";
      },
      "SIZE");
}

CLI::Option *add_size(CLI::App &command, const std::string &name, int64_t &value,
                      const std::string &help) {
  return command.add_option(name, value, help)->check(positive_size());
}

std::pair<std::string, double> parse_param(const std::string &text) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("--param: expected NAME=VALUE, got '{}'", text));
  }
  const std::string value = text.substr(equals + 1);
  char *end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (*end != '\0') {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("--param {}: expected a number, got '{}'", text.substr(0, equals), value));
  }
  return {text.substr(0, equals), number};
}

// Every family's own options (kernel_profiles.cpp), each bound to a string
// that make_problem turns into the parameter's value.
void add_family_options(CLI::App &command, ProblemOptions &options) {
  for (const KernelProfile &profile : kernel_profiles()) {
    for (const ParamOption &option : profile.options) {
      if (command.get_option_no_throw(option.flag) != nullptr) continue;
      CLI::Option *added = command.add_option(option.flag, options.family_options[option.flag],
                                              fmt::format("{} [{}]", option.help, profile.name));
      if (option.choices.empty()) {
        added->check(CLI::Number);
      } else {
        added->check(CLI::IsMember(option.choices));
      }
    }
  }
}

const ParamOption *find_family_option(const std::string &flag) {
  for (const KernelProfile &profile : kernel_profiles()) {
    for (const ParamOption &option : profile.options) {
      if (option.flag == flag) return &option;
    }
  }
  return nullptr;
}

// A choice's position, or the number itself (CLI11 has checked which it is).
double family_option_value(const ParamOption &option, const std::string &text) {
  for (size_t index = 0; index < option.choices.size(); ++index) {
    if (option.choices[index] == text) return static_cast<double>(index);
  }
  return std::strtod(text.c_str(), nullptr);
}

} // namespace

void add_problem_options(CLI::App &command, ProblemOptions &options, bool kernel_positional) {
  if (kernel_positional) command.add_option("kernel", options.kernel, "Kernel name, e.g. full")->required();
  add_size(command, "--batch", options.batch, "B, the batch size");
  add_size(command, "--heads", options.heads, "Hq, the query heads");
  add_size(command, "--kv-heads", options.kv_heads, "Hkv, the key/value heads (default: --heads)");
  add_size(command, "--seq", options.seq, "Nq, the query length");
  add_size(command, "--kv-seq", options.kv_seq, "Nk, the key length (default: --seq)");
  add_size(command, "--head-dim", options.head_dim, "D, the query/key head size");
  add_size(command, "--value-dim", options.value_dim, "Dv, the value head size (default: --head-dim)");
  command.add_flag("--causal", options.causal, "Bottom-right causal mask");
  command.add_option("--scale", options.scale, "Score scale (default: 1/sqrt(D))")
      ->each([&options](const std::string &) { options.scale_given = true; });
  command.add_option("--kv-len", options.kv_len, "Key lengths per batch, comma-separated (one value: all)")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  command
      .add_option_function<double>(
          "--key-mask-keep", [&options](const double &keep) { options.key_mask_keep = keep; },
          "Random key mask [B, Nk]: each key kept with this probability (default: no mask)")
      ->check(CLI::Range(0.0, 1.0));
  add_family_options(command, options);
  command.add_option("--layout", options.layout, "Memory layout of q, k, v and out")
      ->capture_default_str()
      ->check(CLI::IsMember({"bhnd", "bnhd"}));
  command.add_option("--param", options.params, "Kernel parameter NAME=VALUE (repeatable)");
  command.add_option("--variant", options.variant, "Pin this variant id instead of dispatching");
  command.add_option("--repeats", options.repeats, "Timed calls")->capture_default_str()->check(CLI::Range(1, 1000000));
  command.add_option("--warmup", options.warmup, "Untimed calls first")->capture_default_str()->check(CLI::Range(0, 1000000));
  command.add_option("--seed", options.seed, "Seed of the random inputs (default: fresh)")
      ->check(CLI::NonNegativeNumber);
}

Problem make_problem(const ProblemOptions &options, const KernelProfile &profile) {
  Problem problem = profile.default_problem;
  reference::AttentionShape &shape = problem.shape;
  auto pick = [](int64_t given, int64_t fallback) { return given > 0 ? given : fallback; };
  shape.batch = pick(options.batch, shape.batch);
  shape.kv_heads = pick(options.kv_heads, options.heads > 0 ? options.heads : shape.kv_heads);
  shape.heads = pick(options.heads, shape.heads);
  shape.keys = pick(options.kv_seq, options.seq > 0 ? options.seq : shape.keys);
  shape.queries = pick(options.seq, shape.queries);
  shape.value_dim = pick(options.value_dim, options.head_dim > 0 ? options.head_dim : shape.value_dim);
  shape.head_dim = pick(options.head_dim, shape.head_dim);

  if (options.causal) problem.params["causal"] = 1;
  if (options.scale_given) problem.params["scale"] = options.scale;
  for (const auto &[flag, text] : options.family_options) {
    if (text.empty()) continue;
    const ParamOption &option = *find_family_option(flag);
    problem.params[option.param] = family_option_value(option, text);
  }
  for (const std::string &text : options.params) {
    auto [name, value] = parse_param(text);
    problem.params.insert_or_assign(name, value);
  }

  problem.inputs.key_mask_keep = options.key_mask_keep;
  problem.inputs.order =
      options.layout == "bnhd" ? reference::MemoryOrder::BNHD : reference::MemoryOrder::BHND;
  if (!options.kv_len.empty()) {
    if (options.kv_len.size() != 1 && static_cast<int64_t>(options.kv_len.size()) != shape.batch) {
      throw Error(ErrorCategory::InvalidArgument,
                  fmt::format("--kv-len: expected 1 or B={} values, got {}", shape.batch,
                              options.kv_len.size()));
    }
    problem.inputs.kv_len.clear();
    for (int64_t b = 0; b < shape.batch; ++b) {
      const int64_t length = options.kv_len.size() == 1 ? options.kv_len[0] : options.kv_len[b];
      if (length > std::numeric_limits<int32_t>::max()) {
        throw Error(ErrorCategory::InvalidArgument,
                    fmt::format("--kv-len: {} does not fit in i32", length));
      }
      problem.inputs.kv_len.push_back(static_cast<int32_t>(length));
    }
  }
  return problem;
}

reference::Random random_for(const ProblemOptions &options) {
  return options.seed >= 0 ? reference::Random(static_cast<uint64_t>(options.seed))
                           : reference::Random();
}

} // namespace attnforge::cli
