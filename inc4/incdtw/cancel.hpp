#pragma once
/// Stopping a long computation from outside: Ctrl-C in Python, a deadline, a cancel button.
///
/// A Cancellation is made current for the computations one thread starts (CancellationScope).
/// Those that can run long (distance matrices and vectors, barycenters, rundtw, dtw and
/// dtw_distance of one pair) check it between small work items (a group of pairs, about a thousand
/// windows, some 2^18 cells of one pair) and throw incdtw::Cancelled, leaving no result. request() may be called from any thread; the optional `poll` function is
/// called only by the thread that started the computation, at most once per `interval`, and a
/// true result requests the stop (incdtw's Python bindings check for KeyboardInterrupt there).
///
///     incdtw::Cancellation stop([&] { return past_deadline(); });
///     incdtw::CancellationScope scope(stop);
///     try { auto d = incdtw::dtw_dismat(lot, opt); } catch (const incdtw::Cancelled&) { ... }

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>
#include <utility>

namespace incdtw {

/// Thrown by a computation whose Cancellation asked it to stop.
class Cancelled : public std::runtime_error {
  public:
    Cancelled() : std::runtime_error("incdtw: the computation was cancelled") {}
};

class Cancellation {
  public:
    explicit Cancellation(std::function<bool()> poll = {},
                          std::chrono::steady_clock::duration interval = std::chrono::milliseconds(50))
        : poll_(std::move(poll)), interval_(interval), owner_(std::this_thread::get_id()),
          next_(std::chrono::steady_clock::now() + interval) {}

    Cancellation(const Cancellation&) = delete;
    Cancellation& operator=(const Cancellation&) = delete;

    /// Asks the computation to stop (any thread).
    void request() noexcept { stop_.store(true, std::memory_order_relaxed); }
    bool requested() const noexcept { return stop_.load(std::memory_order_relaxed); }

    /// True when the computation should stop. On the thread that created the Cancellation it also
    /// calls `poll` when `interval` has passed since the last call.
    bool check() {
        if (requested()) return true;
        if (poll_ && std::this_thread::get_id() == owner_) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= next_) {
                next_ = now + interval_;
                if (poll_()) request();
            }
        }
        return requested();
    }

  private:
    std::atomic<bool> stop_{false};
    std::function<bool()> poll_;
    std::chrono::steady_clock::duration interval_;
    std::thread::id owner_;
    std::chrono::steady_clock::time_point next_;  // read and written by the owner only
};

namespace detail {

/// The Cancellation of the computations the calling thread starts (null: none).
inline Cancellation*& current_cancellation() noexcept {
    static thread_local Cancellation* current = nullptr;
    return current;
}

/// Throws Cancelled when `c` asks to stop (c may be null).
inline void interruption_point(Cancellation* c) {
    if (c != nullptr && c->check()) throw Cancelled();
}

}  // namespace detail

/// Makes a Cancellation current on this thread while the scope lives (scopes nest).
class CancellationScope {
  public:
    explicit CancellationScope(Cancellation& c) noexcept : previous_(detail::current_cancellation()) {
        detail::current_cancellation() = &c;
    }
    ~CancellationScope() { detail::current_cancellation() = previous_; }
    CancellationScope(const CancellationScope&) = delete;
    CancellationScope& operator=(const CancellationScope&) = delete;

  private:
    Cancellation* previous_;
};

}  // namespace incdtw
