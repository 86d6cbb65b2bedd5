#include <gtest/gtest.h>

#include "attnforge/error.hpp"
#include "search_space.hpp"

namespace attnforge::tune {
namespace {

// The message of the InvalidArgument error `parse` throws.
template <typename Parse>
std::string rejection(Parse parse) {
  try {
    parse();
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
    return error.what();
  }
  ADD_FAILURE() << "expected an InvalidArgument error";
  return "";
}

TEST(SearchSpace, ReadsEveryTunableInOrder) {
  const SearchSpace space = parse_search_space(
      Json::parse(R"({"kernel": "linear", "tunables": {"b": [2, 4], "a": [1, 3, 5]}})"), "test");
  EXPECT_EQ(space.kernel, "linear");
  ASSERT_EQ(space.tunables.size(), 2u);
  EXPECT_EQ(space.tunables[0].name, "b");
  EXPECT_EQ(space.tunables[1].values, (std::vector<Json>{1, 3, 5}));
  EXPECT_EQ(space.grid_size(), 6u);
}

TEST(SearchSpace, RejectsMalformedFilesNamingTheCulprit) {
  const auto parse = [](const char *text) {
    return [text] { parse_search_space(Json::parse(text), "space.json"); };
  };
  EXPECT_NE(rejection(parse(R"([1, 2])")).find("space.json"), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"tunables": {"a": [1]}})")).find("\"kernel\""), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"kernel": "full", "tunables": {}})")).find("at least one tunable"), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"kernel": "full", "tunables": {"a": []}})")).find("tunable 'a'"), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"kernel": "full", "tunables": {"a": 4}})")).find("non-empty array"), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"kernel": "full", "tunables": {"a": [[1]]}})")).find("[1]"), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"kernel": "full", "tunables": {"a": [null]}})")).find("null"), std::string::npos);
  EXPECT_NE(rejection(parse(R"({"kernel": "full", "tunables": {"a": [8, 4, 8]}})")).find("8 is listed twice"),
            std::string::npos);
}

TEST(SearchSpace, MustBeTheKernelsAndNameOnlyItsTunables) {
  const SearchSpace space =
      parse_search_space(Json::parse(R"({"kernel": "linear", "tunables": {"row_block": [2, 4]}})"), "test");
  const Params baseline = Json::parse(R"({"row_block": 4, "query_tile": 64})");
  EXPECT_NO_THROW(check_space_fits(space, "linear", baseline, "tuned.json"));
  EXPECT_NE(rejection([&] { check_space_fits(space, "full", baseline, "tuned.json"); }).find("'linear''s, not 'full''s"),
            std::string::npos);
  const std::string message =
      rejection([&] { check_space_fits(space, "linear", Json::parse(R"({"query_tile": 64})"), "tuned.json"); });
  EXPECT_NE(message.find("'row_block' is not among the params of tuned.json (query_tile)"), std::string::npos) << message;
}

TEST(SearchSpace, ReadingAMissingFileIsNotFound) {
  try {
    read_search_space("/nonexistent/space.json");
    FAIL() << "expected NotFound";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::NotFound);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/space.json"), std::string::npos);
  }
}

} // namespace
} // namespace attnforge::tune
