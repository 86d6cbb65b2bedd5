// "Did you mean": edit distance and which names are worth suggesting.
#include "suggestions.hpp"

#include "test_support.hpp"

namespace attnforge::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Suggestions, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "full"), 4u);
  EXPECT_EQ(edit_distance("full", "full"), 0u);
  EXPECT_EQ(edit_distance("FULL", "full"), 0u) << "case is not a typo worth counting";
}

TEST(Suggestions, ClosestNamesComeFirst) {
  EXPECT_THAT(closest_names("sparce", {"linear", "sparse", "spare"}), ElementsAre("sparse", "spare"));
}

TEST(Suggestions, DistantNamesAreNotSuggested) {
  EXPECT_THAT(closest_names("flash", {"full", "sparse", "linear"}), IsEmpty());
}

TEST(Suggestions, StartOfAnIdSuggestsTheIdsItBegins) {
  EXPECT_THAT(closest_names("full:f32", {"full:f32:d64:x86-64", "linear:f32:d64:x86-64"}),
              ElementsAre("full:f32:d64:x86-64"));
}

TEST(Suggestions, SuffixListsKnownNamesWhenNoneIsClose) {
  EXPECT_EQ(suggestion_suffix("flash", {"full", "linear"}), "; known: 'full', 'linear'");
  EXPECT_EQ(suggestion_suffix("ful", {"full", "linear"}), "; did you mean 'full'?");
  EXPECT_EQ(suggestion_suffix("ful", {}), "");
}

} // namespace
} // namespace attnforge::detail
