// FakeSource: an in-memory ListerWatcher for unit tests of the reflector
// logic alone (the end-to-end tests use the API-server simulator). It keeps
// objects with a resourceVersion counter and an event history; watches
// replay history after their version and then wait for new changes.
// Tests can hold delivery, expire watches (410) and fail lists.
#ifndef FEDRA_OP_INFORMER_FAKE_SOURCE_TEST_UTIL_H_
#define FEDRA_OP_INFORMER_FAKE_SOURCE_TEST_UTIL_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "operator/informer/lister_watcher.h"
#include "operator/informer/store.h"

namespace fedra::op::informer::testing {

class FakeSource {
 public:
  void Put(nlohmann::json obj) { Change(kube::EventType::kModified, std::move(obj)); }
  void Delete(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return;
    nlohmann::json obj = it->second;
    objects_.erase(it);
    Record(kube::EventType::kDeleted, std::move(obj));
  }
  // Watches stop delivering (changes still happen) until Release().
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    cv_.notify_all();
  }
  // Every version so far becomes too old: running watches end with
  // kExpired and watches from old versions fail at once.
  void Expire() {
    std::lock_guard<std::mutex> lock(mu_);
    compacted_ = rv_;
    history_.clear();
    ++expire_gen_;
    cv_.notify_all();
  }
  // Lists claim a version `lag` changes older than the objects they hold,
  // as a list whose pages were not one snapshot would: the watch from it
  // replays changes the list already contained.
  void SetListLag(int lag) {
    std::lock_guard<std::mutex> lock(mu_);
    list_lag_ = lag;
  }
  void FailNextLists(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_lists_ = n;
  }
  int lists() {
    std::lock_guard<std::mutex> lock(mu_);
    return lists_;
  }
  std::map<std::string, nlohmann::json> objects() {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_;
  }

  std::unique_ptr<ListerWatcher> NewListerWatcher() { return std::make_unique<LW>(this); }

 private:
  struct Event {
    int64_t rv;
    kube::EventType type;
    nlohmann::json obj;
  };

  class Stream : public WatchStream {
   public:
    Stream(FakeSource* src, int64_t from) : src_(src), from_(from) {}
    kube::WatchResult Run(const kube::WatchHandler& handler) override {
      kube::WatchResult result;
      std::unique_lock<std::mutex> lock(src_->mu_);
      int gen = src_->expire_gen_;
      if (from_ < src_->compacted_) {
        result.end = kube::WatchEnd::kExpired;
        return result;
      }
      int64_t at = from_;
      for (;;) {
        if (stopped_) {
          result.end = kube::WatchEnd::kStopped;
          return result;
        }
        if (src_->expire_gen_ != gen) {
          result.end = kube::WatchEnd::kExpired;
          return result;
        }
        const Event* next = nullptr;
        if (!src_->held_) {
          for (const Event& e : src_->history_) {
            if (e.rv > at) {
              next = &e;
              break;
            }
          }
        }
        if (next == nullptr) {
          src_->cv_.wait(lock);
          continue;
        }
        kube::WatchEvent ev;
        ev.type = next->type == kube::EventType::kModified && next->obj.contains("__added")
                      ? kube::EventType::kAdded
                      : next->type;
        ev.object = next->obj;
        ev.object.erase("__added");
        ev.resource_version = std::to_string(next->rv);
        at = next->rv;
        lock.unlock();
        bool go_on = handler(ev);
        lock.lock();
        result.resource_version = ev.resource_version;
        ++result.events;
        if (!go_on) {
          result.end = kube::WatchEnd::kHandlerStopped;
          return result;
        }
      }
    }
    void Stop() override {
      std::lock_guard<std::mutex> lock(src_->mu_);
      stopped_ = true;
      src_->cv_.notify_all();
    }

   private:
    FakeSource* const src_;
    const int64_t from_;
    bool stopped_ = false;  // guarded by src_->mu_
  };

  class LW : public ListerWatcher {
   public:
    explicit LW(FakeSource* src) : src_(src) {}
    kube::ApiStatus List(std::vector<nlohmann::json>* items, std::string* rv) override {
      std::lock_guard<std::mutex> lock(src_->mu_);
      ++src_->lists_;
      if (src_->fail_lists_ > 0) {
        --src_->fail_lists_;
        return kube::ApiStatus::Transport("fake: connection refused");
      }
      items->clear();
      for (const auto& [k, o] : src_->objects_) items->push_back(o);
      *rv = std::to_string(src_->rv_ - src_->list_lag_);
      return kube::ApiStatus::OK();
    }
    std::unique_ptr<WatchStream> NewWatch(const std::string& rv) override {
      return std::make_unique<Stream>(src_, std::stoll(rv));
    }
    std::string Describe() const override { return "fake"; }

   private:
    FakeSource* const src_;
  };

  void Change(kube::EventType type, nlohmann::json obj) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string key = KeyOf(obj);
    bool added = !objects_.count(key);
    obj["metadata"]["resourceVersion"] = std::to_string(rv_ + 1);
    objects_[key] = obj;
    if (added) obj["__added"] = true;
    Record(type, std::move(obj));
  }
  void Record(kube::EventType type, nlohmann::json obj) {
    ++rv_;
    if (type == kube::EventType::kDeleted) obj["metadata"]["resourceVersion"] = std::to_string(rv_);
    history_.push_back(Event{rv_, type, std::move(obj)});
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t rv_ = 100;
  int64_t compacted_ = 0;
  int expire_gen_ = 0;
  bool held_ = false;
  int fail_lists_ = 0;
  int list_lag_ = 0;
  int lists_ = 0;
  std::map<std::string, nlohmann::json> objects_;
  std::vector<Event> history_;
};

inline nlohmann::json Pod(const std::string& ns, const std::string& name,
                          const std::string& data = "") {
  return {{"kind", "Pod"}, {"metadata", {{"namespace", ns}, {"name", name}}}, {"data", data}};
}

}  // namespace fedra::op::informer::testing

#endif  // FEDRA_OP_INFORMER_FAKE_SOURCE_TEST_UTIL_H_
