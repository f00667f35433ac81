using System;

namespace Loomcycle
{
    /// <summary>
    /// <see cref="DateTimeOffset.Now"/> for a stream's events at the cost of <see cref="DateTime.UtcNow"/>: the local
    /// offset (a time-zone rule lookup that cost more than parsing a small event) is looked up again once a minute,
    /// on the minute, so a change of daylight saving time, which happens on a minute boundary, is never missed.
    /// One instance per stream; not thread-safe.
    /// </summary>
    internal sealed class LocalClock
    {
        private TimeSpan _offset;
        private long _validUntilTicks;

        public DateTimeOffset Now()
        {
            DateTime utc = DateTime.UtcNow;
            if (utc.Ticks >= _validUntilTicks)
            {
                _offset = TimeZoneInfo.Local.GetUtcOffset(utc);
                _validUntilTicks = (utc.Ticks / TimeSpan.TicksPerMinute + 1) * TimeSpan.TicksPerMinute;
            }

            return new DateTimeOffset(utc.Ticks + _offset.Ticks, _offset);
        }
    }
}
