// Discovery: what the registry finds on its search path, what it refuses and
// how it says so.
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "attnforge/plugin_abi.h"
#include "test_support.hpp"

namespace attnforge {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::only;
using testing::ScratchDirectory;
namespace fixtures = attnforge::fixtures;

std::string plugin_file(const char *directory, const char *name) {
  return (std::filesystem::path(directory) / (std::string(name) + ".so")).string();
}

const VariantInfo *find_variant(const Registry &registry, const std::string &id) {
  for (const auto &variant : registry.variants()) {
    if (variant.id == id) return &variant;
  }
  return nullptr;
}

// Restores an environment variable when the test ends.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char *name, const char *value) : name_(name) {
    if (const char *old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1); else unsetenv(name);
  }
  ~ScopedEnvironment() {
    if (old_) setenv(name_, old_->c_str(), 1); else unsetenv(name_);
  }

 private:
  const char *name_;
  std::optional<std::string> old_;
};

TEST(Registry, IndexesEveryVariantOfAPlugin) {
  Registry registry(only({fixtures::toy}));
  EXPECT_TRUE(registry.problems().empty());
  ASSERT_EQ(registry.variants().size(), 6u);
  const VariantInfo *d64 = find_variant(registry, "toy:f32:d64:x86-64");
  ASSERT_NE(d64, nullptr);
  EXPECT_EQ(d64->kernel, "toy");
  EXPECT_EQ(d64->head_dim, 64);
  EXPECT_EQ(d64->plugin_name, "toy");
  EXPECT_EQ(d64->plugin_path, plugin_file(fixtures::toy, "toy"));
  EXPECT_TRUE(d64->usable) << d64->unusable_reason;
  ASSERT_EQ(d64->tensors.size(), 5u);
  EXPECT_EQ(d64->tensors[4].name, "kv_len");
  EXPECT_TRUE(d64->tensors[4].optional);
  EXPECT_EQ(d64->tensors[4].values_at_most, "Nk");
  ASSERT_EQ(d64->params.size(), 4u);
  EXPECT_EQ(d64->params[2].name, "mode");
  EXPECT_EQ(d64->params[2].kind, ParamInfo::Kind::Int);
}

TEST(Registry, EmptyDirectoryFindsNothingAndReportsNothing) {
  ScratchDirectory empty;
  Registry registry(only({empty.path()}));
  EXPECT_TRUE(registry.variants().empty());
  EXPECT_TRUE(registry.problems().empty());
}

TEST(Registry, MissingDirectoryFindsNothingAndReportsNothing) {
  Registry registry(only({"/nonexistent/attnforge/plugins", fixtures::toy}));
  EXPECT_TRUE(registry.problems().empty());
  EXPECT_EQ(registry.variants().size(), 6u);
}

TEST(Registry, ReportsAPluginFileGivenWhereADirectoryBelongs) {
  const std::string file = plugin_file(fixtures::toy, "toy");
  Registry registry(only({file}));
  ASSERT_EQ(registry.problems().size(), 1u);
  EXPECT_EQ(registry.problems()[0].path, file);
  EXPECT_THAT(registry.problems()[0].reason, HasSubstr("not a directory"));
}

TEST(Registry, SkipsFilesThatDoNotEndInSo) {
  ScratchDirectory directory;
  directory.write_file("README.txt", "not a plugin");
  directory.write_file("libtoy.so.1", "versioned names are not plugins");
  directory.copy_file(plugin_file(fixtures::toy, "toy"), "toy.so.disabled");
  Registry registry(only({directory.path()}));
  EXPECT_TRUE(registry.variants().empty());
  EXPECT_TRUE(registry.problems().empty());
}

TEST(Registry, ReportsSharedLibraryWithoutEntryPointAsNotAPlugin) {
  Registry registry(only({fixtures::not_a_plugin, fixtures::toy}));
  ASSERT_EQ(registry.problems().size(), 1u);
  EXPECT_EQ(registry.problems()[0].path, plugin_file(fixtures::not_a_plugin, "not_a_plugin"));
  EXPECT_THAT(registry.problems()[0].reason, AllOf(HasSubstr("not an attnforge plugin"), HasSubstr(AF_PLUGIN_ENTRY_SYMBOL)));
  EXPECT_EQ(registry.variants().size(), 6u) << "a bad file must not stop the others loading";
}

TEST(Registry, ReportsFileThatIsNotALoadableLibrary) {
  ScratchDirectory directory;
  const std::string garbage = directory.write_file("garbage.so", "this is text, not ELF");
  Registry registry(only({directory.path()}));
  ASSERT_EQ(registry.problems().size(), 1u);
  EXPECT_EQ(registry.problems()[0].path, garbage);
  EXPECT_THAT(registry.problems()[0].reason, HasSubstr("cannot be loaded"));
}

TEST(Registry, RejectsPluginWithOtherAbiMajorNamingBothVersions) {
  Registry registry(only({fixtures::toy_abi_major}));
  EXPECT_TRUE(registry.variants().empty());
  ASSERT_EQ(registry.problems().size(), 1u);
  const std::string theirs = std::to_string(AF_ABI_MAJOR + 1) + "." + std::to_string(AF_ABI_MINOR);
  const std::string ours = std::to_string(AF_ABI_MAJOR) + "." + std::to_string(AF_ABI_MINOR);
  EXPECT_THAT(registry.problems()[0].reason,
              AllOf(HasSubstr("plugin ABI " + theirs), HasSubstr("runtime's ABI " + ours)));
  EXPECT_EQ(registry.problems()[0].path, plugin_file(fixtures::toy_abi_major, "toy_abi_major"));
}

TEST(Registry, AcceptsPluginWithNewerAbiMinor) {
  Registry registry(only({fixtures::toy_abi_minor}));
  EXPECT_TRUE(registry.problems().empty());
  EXPECT_EQ(registry.variants().size(), 6u);
}

TEST(Registry, RejectsDuplicateVariantIdNamingBothFiles) {
  Registry registry(only({fixtures::toy, fixtures::duplicate}));
  ASSERT_EQ(registry.problems().size(), 1u);
  const PluginProblem &problem = registry.problems()[0];
  EXPECT_EQ(problem.path, plugin_file(fixtures::duplicate, "duplicate"));
  EXPECT_THAT(problem.reason,
              AllOf(HasSubstr("'toy:f32:dany:x86-64'"), HasSubstr(plugin_file(fixtures::toy, "toy"))));
  // The first one found wins; the rest of the second plugin still loads.
  EXPECT_EQ(find_variant(registry, "toy:f32:dany:x86-64")->plugin_name, "toy");
  EXPECT_NE(find_variant(registry, "other:f32:dany:x86-64"), nullptr);
}

TEST(Registry, LoadsAFileReachedTwiceOnlyOnce) {
  Registry registry(only({fixtures::toy, fixtures::toy}));
  EXPECT_TRUE(registry.problems().empty());
  EXPECT_EQ(registry.variants().size(), 6u);
}

TEST(Registry, ReportsEachMalformedVariantAndKeepsTheGoodOnes) {
  Registry registry(only({fixtures::malformed}));
  ASSERT_EQ(registry.variants().size(), 1u);
  EXPECT_EQ(registry.variants()[0].id, "fine:f32:dany:x86-64");
  ASSERT_EQ(registry.problems().size(), 3u);
  EXPECT_THAT(registry.problems()[0].reason, AllOf(HasSubstr("broken:f32:dany:no-run"), HasSubstr("no run function")));
  EXPECT_THAT(registry.problems()[1].reason, AllOf(HasSubstr("broken:f32:dany:no-out"), HasSubstr("'out'")));
  EXPECT_THAT(registry.problems()[2].reason, AllOf(HasSubstr("broken:f32:dany:rank5"), HasSubstr("5 dimensions")));
}

TEST(Registry, UnknownKernelNameSuggestsClosestNames) {
  Registry registry(only({fixtures::toy, fixtures::duplicate}));
  const Error error = testing::error_from([&] { registry.kernel("tyo"); });
  EXPECT_EQ(error.category(), ErrorCategory::NotFound);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("'tyo'"), HasSubstr("did you mean 'toy'")));
}

TEST(Registry, UnknownKernelNameFarFromAnyListsKnownNames) {
  Registry registry(only({fixtures::toy, fixtures::duplicate}));
  const Error error = testing::error_from([&] { registry.kernel("flash_attention"); });
  EXPECT_EQ(error.category(), ErrorCategory::NotFound);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("known: 'toy', 'other'")));
}

TEST(Registry, UnknownVariantIdSuggestsClosestIds) {
  Registry registry(only({fixtures::toy}));
  const Error error = testing::error_from([&] { registry.variant("toy:f32:d46:x86-64"); });
  EXPECT_EQ(error.category(), ErrorCategory::NotFound);
  EXPECT_THAT(error.what(), HasSubstr("did you mean 'toy:f32:d64:x86-64'"));
}

TEST(Registry, NameNotFoundInEmptyRegistrySaysWhereItLookedAndWhatFailed) {
  Registry registry(only({fixtures::not_a_plugin}));
  const Error error = testing::error_from([&] { registry.kernel("full"); });
  EXPECT_EQ(error.category(), ErrorCategory::NotFound);
  EXPECT_THAT(error.what(), AllOf(HasSubstr(fixtures::not_a_plugin), HasSubstr("not an attnforge plugin")));
}

TEST(Registry, HonoursPluginPathEnvironmentVariable) {
  const std::string list = std::string(fixtures::toy) + "::" + fixtures::duplicate; // empty entries are ignored
  ScopedEnvironment environment("ATTNFORGE_PLUGIN_PATH", list.c_str());
  Registry registry;
  EXPECT_EQ(registry.search_path(), (std::vector<std::string>{fixtures::toy, fixtures::duplicate}));
  EXPECT_NE(find_variant(registry, "other:f32:dany:x86-64"), nullptr);
}

TEST(Registry, ExplicitSearchPathOverridesEnvironment) {
  ScopedEnvironment environment("ATTNFORGE_PLUGIN_PATH", fixtures::duplicate);
  Registry registry(only({fixtures::toy}));
  EXPECT_EQ(registry.search_path(), std::vector<std::string>{fixtures::toy});
  EXPECT_EQ(find_variant(registry, "other:f32:dany:x86-64"), nullptr);
}

TEST(Registry, DefaultSearchPathIsThePluginDirectoryBesideTheLibrary) {
  ScopedEnvironment environment("ATTNFORGE_PLUGIN_PATH", nullptr);
  Registry registry;
  ASSERT_EQ(registry.search_path().size(), 1u);
  const std::filesystem::path directory = registry.search_path()[0];
  EXPECT_EQ(directory.filename(), "plugins");
  EXPECT_EQ(directory.parent_path().filename(), "attnforge");
  bool library_is_there = false;
  for (const auto &entry : std::filesystem::directory_iterator(directory.parent_path().parent_path())) {
    library_is_there |= entry.path().filename().string().rfind("libattnforge.so", 0) == 0;
  }
  EXPECT_TRUE(library_is_there) << directory;
}

} // namespace
} // namespace attnforge
