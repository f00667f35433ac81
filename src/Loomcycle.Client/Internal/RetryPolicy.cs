using System;
using System.Net.Http;
using System.Net.Http.Headers;

namespace Loomcycle
{
    /// <summary>Whether a request may be sent again after its first attempt reached the server.</summary>
    internal enum Repeatability
    {
        /// <summary>Reads and idempotent writes: retried after 429, 503 and any transport failure.</summary>
        Idempotent,

        /// <summary>Runs, pauses, restores …: retried only when the server provably did not act (429, 503, connect failure).</summary>
        NotIdempotent,
    }

    /// <summary>The retries of one call so far: how many, and how long they waited in all.</summary>
    internal struct RetryState
    {
        /// <summary>0 for the first attempt, then the number of the retry being made.</summary>
        public int Attempt;

        /// <summary>The waits so far, counted against <see cref="LoomcycleConnectionOptions.RetryBudget"/>.</summary>
        public TimeSpan Waited;
    }

    /// <summary>
    /// The one place that decides whether a failed attempt is tried again and after how long (in the manner of
    /// System.ClientModel's ClientRetryPolicy): what the failure proves (<see cref="FailureKind"/>), whether the request
    /// may be repeated, the server's own advice (status, code, Retry-After), the retry count and the time budget.
    /// </summary>
    internal sealed class RetryPolicy
    {
        [ThreadStatic]
        private static Random? _random;

        private readonly LoomcycleConnectionOptions _options;

        public RetryPolicy(LoomcycleConnectionOptions options)
        {
            _options = options;
        }

        public int MaximumRetryCount => LoomcycleCallContext.Current?.MaximumRetryCount ?? _options.MaximumRetryCount;

        private TimeSpan RetryInterval => LoomcycleCallContext.Current?.RetryInterval ?? _options.RetryInterval;

        /// <summary>
        /// Whether to try again after <paramref name="failure"/>; when so, <paramref name="delay"/> is the wait and
        /// <paramref name="state"/> counts the retry. Never when nothing proves a repeat is safe: a request that may have
        /// reached the server is repeated only if it is idempotent; an answer only when it says the server did not act.
        /// </summary>
        public bool ShouldRetry(in AttemptFailure failure, Repeatability repeatability, ref RetryState state, out TimeSpan delay)
        {
            delay = TimeSpan.Zero;
            bool eligible = failure.Kind switch
            {
                FailureKind.NotSent => true,
                FailureKind.NoResponse => repeatability == Repeatability.Idempotent,
                FailureKind.Answered => IsRetryable(failure.Error),
                _ => false,
            };
            if (!eligible || state.Attempt >= MaximumRetryCount)
            {
                return false;
            }

            delay = Delay(state.Attempt + 1, failure.Error.RetryAfter);
            if (state.Waited + delay > _options.RetryBudget)
            {
                delay = TimeSpan.Zero;
                return false;
            }

            state.Waited += delay;
            state.Attempt++;
            return true;
        }

        /// <summary>Statuses whose body says the server did not act and may accept the request later.</summary>
        public static bool IsRetryable(LoomcycleException error)
        {
            switch (error.StatusCode)
            {
                case 429:
                    return error.Code is null || error.Code == "backpressure" || error.Code == "per_user_quota_exhausted" || error.Code == "provider_concurrency_exhausted";
                case 503:
                    // Configuration 503s (no pause manager, no store) will not change by waiting.
                    return error.Code is null || error.Code == "runtime_paused";
                default:
                    return false;
            }
        }

        /// <summary>The wait before attempt <paramref name="attempt"/> (1-based retry number).</summary>
        public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
        {
            Random random = _random ??= new Random(Guid.NewGuid().GetHashCode());
            TimeSpan delay = retryAfter is TimeSpan advised
                ? TimeSpan.FromTicks((long)(advised.Ticks * (1 + (random.NextDouble() * 0.1))))
                : TimeSpan.FromTicks((long)(RetryInterval.Ticks * Math.Pow(2, attempt - 1) * (0.5 + (random.NextDouble() * 0.5))));
            return delay > _options.MaximumRetryDelay ? _options.MaximumRetryDelay : delay;
        }

        /// <summary>Reads Retry-After in both its forms: delta seconds and an HTTP date.</summary>
        public static TimeSpan? ReadRetryAfter(HttpResponseMessage response)
        {
            RetryConditionHeaderValue? header = response.Headers.RetryAfter;
            if (header?.Delta is TimeSpan delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (header?.Date is DateTimeOffset date)
            {
                TimeSpan wait = date - DateTimeOffset.UtcNow;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }

            return null;
        }
    }
}
