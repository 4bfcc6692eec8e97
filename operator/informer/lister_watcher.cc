#include "operator/informer/lister_watcher.h"

#include <utility>

namespace fedra::op::informer {
namespace {

class KubeWatchStream : public WatchStream {
 public:
  KubeWatchStream(kube::Client* client, const ResourceSelector& what, kube::WatchOptions options)
      : watch_(client, what.gvr, what.namespace_name, std::move(options)) {}
  kube::WatchResult Run(const kube::WatchHandler& handler) override { return watch_.Run(handler); }
  void Stop() override { watch_.Stop(); }

 private:
  kube::Watch watch_;
};

class KubeListerWatcher : public ListerWatcher {
 public:
  KubeListerWatcher(kube::Client* client, ResourceSelector what, KubeListerWatcherOptions options)
      : client_(client), what_(std::move(what)), options_(options) {}

  kube::ApiStatus List(std::vector<nlohmann::json>* items, std::string* rv) override {
    kube::ListOptions lo;
    lo.label_selector = what_.label_selector;
    lo.field_selector = what_.field_selector;
    lo.limit = options_.page_size;
    nlohmann::json list;
    kube::ApiStatus st = client_->ListAll(what_.gvr, what_.namespace_name, lo, &list);
    if (!st.ok()) return st;
    items->clear();
    rv->clear();
    try {
      const nlohmann::json& md = list.at("metadata");
      if (md.contains("resourceVersion") && md["resourceVersion"].is_string()) {
        *rv = md["resourceVersion"].get<std::string>();
      }
      auto arr_it = list.find("items");
      if (arr_it != list.end() && !arr_it->is_null()) {
        const nlohmann::json& arr = *arr_it;
        if (!arr.is_array())
          return kube::ApiStatus::BadResponse(Describe() + ": list items is not an array");
        items->reserve(arr.size());
        for (const nlohmann::json& o : arr) items->push_back(o);
      }
    } catch (const nlohmann::json::exception& e) {
      return kube::ApiStatus::BadResponse(Describe() + ": malformed list: " + e.what());
    }
    if (rv->empty()) {
      return kube::ApiStatus::BadResponse(Describe() + ": list has no metadata.resourceVersion");
    }
    return kube::ApiStatus::OK();
  }

  std::unique_ptr<WatchStream> NewWatch(const std::string& rv) override {
    kube::WatchOptions wo;
    wo.resource_version = rv;
    wo.label_selector = what_.label_selector;
    wo.field_selector = what_.field_selector;
    wo.allow_bookmarks = true;
    wo.timeout_seconds = options_.watch_timeout_seconds;
    wo.reconnect = true;
    wo.backoff_initial = options_.watch_backoff_initial;
    wo.backoff_max = options_.watch_backoff_max;
    wo.max_consecutive_failures = options_.watch_max_consecutive_failures;
    return std::make_unique<KubeWatchStream>(client_, what_, std::move(wo));
  }

  std::string Describe() const override {
    std::string s = what_.gvr.ToString();
    if (!what_.namespace_name.empty()) s += " in " + what_.namespace_name;
    return s;
  }

 private:
  kube::Client* const client_;
  const ResourceSelector what_;
  const KubeListerWatcherOptions options_;
};

}  // namespace

std::unique_ptr<ListerWatcher> NewKubeListerWatcher(kube::Client* client, ResourceSelector what,
                                                    KubeListerWatcherOptions options) {
  return std::make_unique<KubeListerWatcher>(client, std::move(what), options);
}

}  // namespace fedra::op::informer
