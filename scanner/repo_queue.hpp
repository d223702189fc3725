// The hand-over between `dtscan audit`'s discovery (one thread walking the roots) and its repository
// workers: repositories are audited while the walk goes on, so the walk (a fifth of a second over 200
// repositories, a while longer over slow storage) does not stand before the first scan.
#pragma once

#include "scanner/sources/repo_discovery.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace dtscan {

class RepoQueue {
public:
  void push(DiscoveredRepo repo) {
    {
      std::lock_guard lock(m_mutex);
      m_queue.push_back(std::move(repo));
      ++m_pushed;
    }
    m_cv.notify_all();
  }

  // No more repositories will come.
  void close() {
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
    }
    m_cv.notify_all();
  }

  // Waits until `n` repositories were pushed or the queue is closed; returns how many were pushed
  // and whether it is closed.
  std::pair<size_t, bool> wait_for(size_t n) {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_pushed >= n || m_closed; });
    return {m_pushed, m_closed};
  }

  // The next repository; nullopt once the queue is closed and empty.
  std::optional<DiscoveredRepo> pop() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return !m_queue.empty() || m_closed; });
    if (m_queue.empty()) return std::nullopt;
    DiscoveredRepo repo = std::move(m_queue.front());
    m_queue.pop_front();
    return repo;
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<DiscoveredRepo> m_queue;
  size_t m_pushed = 0;
  bool m_closed = false;
};

} // namespace dtscan
