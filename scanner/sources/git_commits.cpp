// The range walk follows git's own (revision.c, limit_list): a queue ordered by commit time, commits
// reached from A are "uninteresting" and pass that mark on to their ancestors, and the walk stops once
// only uninteresting commits are queued (after a few more, against clock skew). The final order comes
// from Kahn's algorithm over the listed commits.
#include "scanner/sources/git_commits.hpp"

#include "scanner/error.hpp"
#include "scanner/sources/git_repo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace dtscan {
namespace {

using OidHashSet = std::unordered_set<git_oid, OidHash, OidEqual>;

// The commits a shallow clone has without their parents.
OidHashSet shallow_commits(git_repository* repo) {
  OidHashSet out;
  std::ifstream in(std::string(git_repository_commondir(repo)) + "shallow");
  for (std::string line; std::getline(in, line);) {
    git_oid id;
    if (line.size() >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, line.data(), GIT_OID_HEXSZ) == 0) out.insert(id);
  }
  return out;
}

struct Node {
  int64_t time = 0;
  git_oid tree{};
  std::vector<git_oid> parents;
  bool parsed = false;
  bool uninteresting = false;
  bool queued = false; // in the queue now
  bool seen = false;   // ever queued
  bool listed = false; // popped as interesting
};

class CommitGraph {
public:
  CommitGraph(git_repository* repo) : m_repo(repo), m_shallow(shallow_commits(repo)) {}

  Node& node(const git_oid& id) {
    Node& n = m_nodes[id];
    if (!n.parsed) {
      git_commit* raw = nullptr;
      if (git_commit_lookup(&raw, m_repo, &id) != 0)
        throw FatalError(fmt::format("cannot read commit {}: {}", oid_hex(id), git_error_text()));
      GitCommit c(raw);
      n.time = git_commit_time(c.get());
      n.tree = *git_commit_tree_id(c.get());
      if (!m_shallow.count(id))
        for (unsigned p = 0; p < git_commit_parentcount(c.get()); ++p)
          n.parents.push_back(*git_commit_parent_id(c.get(), p));
      n.parsed = true;
    }
    return n;
  }

  // Marks a commit and every already-parsed ancestor uninteresting.
  void mark_uninteresting(const git_oid& start) {
    std::vector<git_oid> stack{start};
    while (!stack.empty()) {
      git_oid id = stack.back();
      stack.pop_back();
      Node& n = m_nodes[id];
      if (n.uninteresting) continue;
      n.uninteresting = true;
      if (n.queued) --m_interesting_queued;
      if (n.parsed) stack.insert(stack.end(), n.parents.begin(), n.parents.end());
    }
  }

  void push(const git_oid& id, bool uninteresting) {
    if (uninteresting) mark_uninteresting(id);
    Node& n = node(id);
    if (n.seen) return;
    n.seen = n.queued = true;
    if (!n.uninteresting) ++m_interesting_queued;
    m_queue.push({n.time, id});
  }

  // Pops commits until only uninteresting ones remain; returns the interesting ones.
  std::vector<git_oid> walk() {
    std::vector<git_oid> listed;
    int slop = 5;
    while (!m_queue.empty()) {
      if (m_interesting_queued == 0 && --slop < 0) break;
      git_oid id = m_queue.top().second;
      m_queue.pop();
      Node& n = m_nodes[id];
      n.queued = false;
      if (!n.uninteresting) {
        --m_interesting_queued;
        n.listed = true;
        listed.push_back(id);
        slop = 5;
      }
      const std::vector<git_oid> parents = n.parents; // node() may rehash m_nodes
      const bool mark = n.uninteresting;
      for (const auto& p : parents)
        push(p, mark);
    }
    // A commit listed before a later-found path from A reached it is not in the range after all.
    std::erase_if(listed, [&](const git_oid& id) { return m_nodes[id].uninteresting; });
    return listed;
  }

  const Node& at(const git_oid& id) { return m_nodes[id]; }

private:
  struct Later {
    bool operator()(const std::pair<int64_t, git_oid>& a, const std::pair<int64_t, git_oid>& b) const {
      if (a.first != b.first) return a.first < b.first; // newest first
      return git_oid_cmp(&a.second, &b.second) > 0;
    }
  };
  git_repository* m_repo;
  OidHashSet m_shallow;
  std::unordered_map<git_oid, Node, OidHash, OidEqual> m_nodes;
  std::priority_queue<std::pair<int64_t, git_oid>, std::vector<std::pair<int64_t, git_oid>>, Later> m_queue;
  int64_t m_interesting_queued = 0;
};

// Parents before children; among commits ready at the same time, the older (then the smaller id) first.
std::vector<git_oid> parents_first(CommitGraph& graph, const std::vector<git_oid>& listed) {
  OidHashSet in(listed.begin(), listed.end());
  std::unordered_map<git_oid, std::vector<git_oid>, OidHash, OidEqual> children;
  std::unordered_map<git_oid, size_t, OidHash, OidEqual> waiting; // listed parents not yet emitted
  for (const auto& id : listed) {
    size_t n = 0;
    for (const auto& p : graph.at(id).parents)
      if (in.count(p)) {
        children[p].push_back(id);
        ++n;
      }
    waiting[id] = n;
  }
  auto older = [&](const git_oid& a, const git_oid& b) { // priority_queue: "less" means later out
    int64_t ta = graph.at(a).time, tb = graph.at(b).time;
    if (ta != tb) return ta > tb;
    return git_oid_cmp(&a, &b) > 0;
  };
  std::priority_queue<git_oid, std::vector<git_oid>, decltype(older)> ready(older);
  for (const auto& id : listed)
    if (waiting[id] == 0) ready.push(id);
  std::vector<git_oid> out;
  out.reserve(listed.size());
  while (!ready.empty()) {
    git_oid id = ready.top();
    ready.pop();
    out.push_back(id);
    for (const auto& c : children[id])
      if (--waiting[c] == 0) ready.push(c);
  }
  return out;
}

git_oid resolve_commit(git_repository* repo, const std::string& spec, const std::string& range) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, spec.c_str()) != 0)
    throw FatalError(fmt::format("invalid --range '{}': {}", range, git_error_text()));
  git_object* commit = nullptr;
  int rc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
  git_object_free(obj);
  if (rc != 0) throw FatalError(fmt::format("invalid --range '{}': '{}' is not a commit", range, spec));
  git_oid id = *git_object_id(commit);
  git_object_free(commit);
  return id;
}

} // namespace

CommitList list_commits(git_repository* repo, const std::string& range, const std::vector<git_oid>& hide) {
  CommitGraph graph(repo);
  CommitList out;
  if (range.empty()) {
    git_reference_iterator* raw = nullptr;
    if (git_reference_iterator_new(&raw, repo) != 0)
      throw FatalError(fmt::format("cannot list references: {}", git_error_text()));
    std::unique_ptr<git_reference_iterator, decltype(&git_reference_iterator_free)> it(raw,
                                                                                       git_reference_iterator_free);
    std::vector<std::pair<std::string, git_oid>> starts;
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it.get()) == 0) {
      git_object* target = nullptr;
      if (git_reference_peel(&target, ref, GIT_OBJECT_ANY) == 0) {
        const git_object_t type = git_object_type(target);
        if (type == GIT_OBJECT_COMMIT) {
          starts.emplace_back(git_reference_name(ref), *git_object_id(target));
        } else if (type == GIT_OBJECT_BLOB || type == GIT_OBJECT_TREE) {
          out.other_refs.push_back(git_reference_name(ref));
          out.other_objects.push_back(*git_object_id(target));
        }
        git_object_free(target);
      }
      git_reference_free(ref);
    }
    git_oid head;
    if (git_repository_head_unborn(repo) != 1 && git_reference_name_to_id(&head, repo, "HEAD") == 0)
      starts.emplace_back("HEAD", head); // a detached HEAD is reachable from no ref
    for (const auto& [name, id] : starts) {
      graph.push(id, false);
      out.tips.push_back(id);
    }
    for (const auto& id : hide) {
      git_commit* c = nullptr;
      if (git_commit_lookup(&c, repo, &id) != 0) continue; // rewritten away and pruned since
      git_commit_free(c);
      graph.push(id, true);
    }
  } else {
    const auto dots = range.find("..");
    if (dots == std::string::npos || dots == 0 || dots + 2 >= range.size() || range.find("...") != std::string::npos)
      throw FatalError(fmt::format("--range expects A..B (two revisions), got '{}'", range));
    const git_oid a = resolve_commit(repo, range.substr(0, dots), range);
    const git_oid b = resolve_commit(repo, range.substr(dots + 2), range);
    graph.push(a, true);
    graph.push(b, false);
  }
  const std::vector<git_oid> listed = graph.walk();
  out.commits = parents_first(graph, listed);
  for (const auto& id : out.commits)
    out.trees.push_back(graph.at(id).tree);
  if (!range.empty() || !hide.empty()) {
    OidHashSet in(listed.begin(), listed.end()), boundary;
    for (const auto& id : out.commits)
      for (const auto& p : graph.at(id).parents)
        if (!in.count(p) && boundary.insert(p).second) out.boundary_trees.push_back(graph.node(p).tree);
  }
  return out;
}

} // namespace dtscan
