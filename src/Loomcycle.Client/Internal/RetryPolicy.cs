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

    /// <summary>Decides whether and how long to wait before another attempt.</summary>
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
