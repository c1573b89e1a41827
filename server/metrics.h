// Prometheus metrics of the HTTP service, rendered in the text exposition
// format (version 0.0.4) at GET /metrics.
//
//   whyd_http_requests_total{route,method,status}        counter
//   whyd_http_request_duration_seconds{route}            histogram
//   whyd_findings_total{cause}                           counter
//   whyd_match_confidence                                histogram (0..1)
//   whyd_reloads_total{result="ok|error"}                counter
//
// Routes are the route templates ("/v1/tenants/{tenant}/ask"), never raw paths,
// so label cardinality stays bounded whatever clients send.
//
// Thread-safety: all methods are safe to call concurrently (one mutex; the
// critical sections are a few map lookups).
#ifndef WHYD_SERVER_METRICS_H_
#define WHYD_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace whyd {

class Metrics {
 public:
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);
  void ObserveFinding(const std::string& cause);
  void ObserveMatchConfidence(double confidence);
  void ObserveReload(bool ok);
  void ObserveAuditDropped();

  std::string Render() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts are computed at render time
    uint64_t count = 0;
    double sum = 0;
  };
  static void Observe(Histogram& h, const std::vector<double>& bounds, double value);
  static void RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h, const std::vector<double>& bounds);

  mutable std::mutex mu_;
  // Transparent comparators: a request looks its series up without building
  // key strings; they are made once, when a series first appears.
  std::map<std::tuple<std::string, std::string, int>, uint64_t, std::less<>> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
  std::map<std::string, uint64_t> findings_;
  Histogram confidence_;
  uint64_t reloads_ok_ = 0;
  uint64_t reloads_error_ = 0;
  uint64_t audit_dropped_ = 0;
};

}  // namespace whyd

#endif  // WHYD_SERVER_METRICS_H_
