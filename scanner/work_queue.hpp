// A bounded multi-producer, multi-consumer queue: the git history producer blocks (or, with try_push,
// does the job itself) when workers fall behind, so memory holds at most `capacity` pending jobs
// whatever the size of the history.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace dtscan {

template <typename T> class WorkQueue {
public:
  explicit WorkQueue(size_t capacity) : m_capacity(capacity ? capacity : 1) {}

  void push(T&& item) {
    std::unique_lock lock(m_mutex);
    m_not_full.wait(lock, [&] { return m_items.size() < m_capacity; });
    m_items.push_back(std::move(item));
    m_not_empty.notify_one();
  }

  // Pushes unless the queue is full; `item` is moved from only on success.
  bool try_push(T& item) {
    std::lock_guard lock(m_mutex);
    if (m_items.size() >= m_capacity) return false;
    m_items.push_back(std::move(item));
    m_not_empty.notify_one();
    return true;
  }

  // No more pushes: pop() returns nullopt once the queue is drained.
  void close() {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_not_empty.notify_all();
  }

  std::optional<T> pop() {
    std::unique_lock lock(m_mutex);
    m_not_empty.wait(lock, [&] { return !m_items.empty() || m_closed; });
    if (m_items.empty()) return std::nullopt;
    T item = std::move(m_items.front());
    m_items.pop_front();
    m_not_full.notify_one();
    return item;
  }

private:
  const size_t m_capacity;
  std::mutex m_mutex;
  std::condition_variable m_not_empty, m_not_full;
  std::deque<T> m_items;
  bool m_closed = false;
};

} // namespace dtscan
