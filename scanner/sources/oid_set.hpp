// A flat open-addressing set of object ids: the history walk asks "seen before?" for every tree entry of
// every new tree, and a node-per-element std::unordered_set spent most of that time in malloc.
#pragma once

#include <git2/oid.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace dtscan {

class OidSet {
public:
  OidSet() : m_slots(1024), m_used(1024, 0) {}

  bool contains(const git_oid& id) const {
    for (size_t i = bucket(id);; i = (i + 1) & (m_slots.size() - 1)) {
      if (!m_used[i]) return false;
      if (std::memcmp(m_slots[i].id, id.id, GIT_OID_RAWSZ) == 0) return true;
    }
  }

  // Returns false when the id was already there.
  bool insert(const git_oid& id) {
    if ((m_size + 1) * 4 > m_slots.size() * 3) grow();
    for (size_t i = bucket(id);; i = (i + 1) & (m_slots.size() - 1)) {
      if (!m_used[i]) {
        m_slots[i] = id;
        m_used[i] = 1;
        ++m_size;
        return true;
      }
      if (std::memcmp(m_slots[i].id, id.id, GIT_OID_RAWSZ) == 0) return false;
    }
  }

  size_t size() const { return m_size; }

private:
  size_t bucket(const git_oid& id) const {
    uint64_t h;
    std::memcpy(&h, id.id, sizeof h); // SHA-1 bytes are already uniformly distributed
    return static_cast<size_t>(h) & (m_slots.size() - 1);
  }

  void grow() {
    std::vector<git_oid> old_slots(m_slots.size() * 2);
    std::vector<uint8_t> old_used(m_used.size() * 2, 0);
    old_slots.swap(m_slots);
    old_used.swap(m_used);
    m_size = 0;
    for (size_t i = 0; i < old_slots.size(); ++i)
      if (old_used[i]) insert(old_slots[i]);
  }

  std::vector<git_oid> m_slots;
  std::vector<uint8_t> m_used;
  size_t m_size = 0;
};

} // namespace dtscan
