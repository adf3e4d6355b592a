#!/usr/bin/env bash
# Holds the glue's two boundary rules with the compiler's own parse (clang-query, from
# Debian's clang-tools), not with a reader's eye:
#
#   1. C++ exceptions never unwind into PostgreSQL: every function of the glue that
#      PostgreSQL calls through a pointer (hooks, GUC check/assign/show hooks, shared memory
#      and exit callbacks, cache invalidation and transaction callbacks, a background
#      worker's main, anything whose address the glue hands over) is noexcept. Found
#      generically: a function of src/pg whose address is taken anywhere but in a call to
#      another function of the glue (a body handed to the SQL-function wrapper, which is
#      itself noexcept), a lambda turned into a function pointer, an extern "C" function
#      (PostgreSQL finds those by name) other than the SQL entry points the wrapper defines,
#      and whatever _PG_init calls (PostgreSQL 16 and later declare _PG_init itself without
#      noexcept).
#   2. PostgreSQL errors (a longjmp) never skip a destructor: the glue holds no owning
#      standard-library type (string, vector, map, set, list, deque, unique_ptr,
#      shared_ptr, function, any, ...), in a variable, a field, a parameter or a temporary.
#
# Then clang-tidy with the committed .clang-tidy on src/core and src/pg (among its checks
# bugprone-exception-escape: a noexcept function that can throw).
#
#   check-boundary.sh [PG_CONFIG]     prints each breach with its place; fails on any
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_config=${1:-pg_config}
# Debian's LLVM 14 tool `$1` (package `$2`), by its versioned name or the plain one.
tool() {
  command -v "$1-14" || command -v "$1" || {
    echo "check-boundary.sh: $1 is missing (Debian package $2)" >&2
    exit 1
  }
}
clang_query=$(tool clang-query clang-tools)
clang_tidy=$(tool clang-tidy clang-tidy)
includedir=$("$pg_config" --includedir-server)
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" flakeid.control)
# How the tools parse a file of ours: as the build compiles it.
export cxxflags="-x c++ -std=c++17 -Wno-register -isystem $includedir -Isrc"
export define_version="-DFLAKEID_VERSION=\"$version\""

glue='isExpansionInFileMatching("src/pg/")'
owning='^::std::(__cxx11::)?(basic_string|vector|map|multimap|set|multiset|unordered_map|unordered_multimap|unordered_set|unordered_multiset|list|forward_list|deque|queue|priority_queue|stack|unique_ptr|shared_ptr|weak_ptr|function|any|basic_stringstream|basic_ostringstream|basic_istringstream|thread|promise|future)$'
owning_type="hasType(qualType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(namedDecl(matchesName(\"$owning\")))))))"
queries=$(mktemp)
trap 'rm -f "$queries"' EXIT
cat >"$queries" <<EOF
set output diag
set bind-root false
match implicitCastExpr(hasCastKind("CK_FunctionToPointerDecay"), has(declRefExpr(to(functionDecl($glue, unless(isNoThrow())).bind("callback_not_noexcept")))), unless(hasParent(callExpr(callee(functionDecl($glue))))))
match unaryOperator(hasOperatorName("&"), hasUnaryOperand(declRefExpr(to(functionDecl($glue, unless(isNoThrow())).bind("callback_not_noexcept")))))
match cxxMemberCallExpr($glue, callee(cxxConversionDecl(ofClass(cxxRecordDecl(isLambda(), has(cxxMethodDecl(hasName("operator()"), unless(isNoThrow())))))))).bind("lambda_callback_not_noexcept")
match functionDecl($glue, isDefinition(), isExternC(), unless(isNoThrow()), unless(hasName("_PG_init")), unless(isExpandedFromMacro("FLAKEID_SQL_FUNCTION")), unless(isExpandedFromMacro("PG_FUNCTION_INFO_V1")), unless(isExpandedFromMacro("PG_MODULE_MAGIC")), unless(isExpandedFromMacro("PG_MODULE_MAGIC_EXT"))).bind("extern_c_not_noexcept")
match callExpr(hasAncestor(functionDecl(hasName("_PG_init"))), callee(functionDecl($glue, unless(isNoThrow())).bind("called_by_PG_init_not_noexcept")))
match varDecl($glue, $owning_type).bind("owning_std_type")
match fieldDecl($glue, $owning_type).bind("owning_std_type")
match expr($glue, $owning_type).bind("owning_std_type")
EOF

mapfile -t sources < <(find src/pg -name '*.cpp' | sort)
out=$(mktemp)
trap 'rm -f "$queries" "$out"' EXIT
# Two processes at a time, eight files each (each file is parsed with PostgreSQL's headers,
# about a second a file). clang-tidy counts the warnings it suppressed in those headers on
# stderr: not ours.
export clang_query clang_tidy queries
# shellcheck disable=SC2016  # the quoted scripts are bash -c's, expanded there
printf '%s\n' "${sources[@]}" | xargs -P2 -n8 bash -c \
  '"$clang_query" -f "$queries" "$@" -- $cxxflags "$define_version" 2>&1' query >"$out" || true

# clang-query prints each match as `file:line:col: note: "name" binds here` and the line.
if grep -qE 'error:' "$out"; then
  cat "$out" >&2
  echo "check-boundary.sh: clang-query could not parse the glue" >&2
  exit 1
fi
breaches=$(awk -v root="$PWD/" '
  /: note: "[a-zA-Z_]*" binds here/ {
    where = $1; sub(root, "", where); sub(/:[0-9]+:$/, "", where)
    name = $0; sub(/.*note: "/, "", name); sub(/" binds here.*/, "", name)
    getline text; sub(/^[ \t]+/, "", text)
    print where ": " name ": " text
  }' "$out" | sort -u)
if [ -n "$breaches" ]; then
  echo "$breaches"
  echo "check-boundary.sh: $(echo "$breaches" | wc -l) breach(es) of the C++/PostgreSQL boundary rules (see the comment at the top of test/bin/check-boundary.sh)" >&2
  exit 1
fi
echo "check-boundary.sh: ${#sources[@]} files of src/pg: every callback PostgreSQL calls is noexcept; no owning standard-library type"

# shellcheck disable=SC2016  # as above
find src/core src/pg -name '*.cpp' | sort | xargs -P2 -n8 bash -c \
  '"$clang_tidy" --quiet "$@" -- $cxxflags "$define_version" 2> >(grep -v "warnings generated\.$" >&2)' \
  tidy
echo "check-boundary.sh: clang-tidy (.clang-tidy) found nothing in src/core and src/pg"
