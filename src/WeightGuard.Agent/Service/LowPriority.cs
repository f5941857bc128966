using System.Runtime.InteropServices;

namespace WeightGuard.Agent.Service;

/// <summary>
/// Runs work on a thread of its own at low CPU priority (nice 10) and in the idle I/O class, so a scan never competes
/// with the GPU jobs the host exists for. Linux applies both per thread, so the rest of the agent is unaffected.
/// </summary>
public static partial class LowPriority
{
    /// <summary>The nice value scans run at.</summary>
    public const int Nice = 10;

    /// <summary>Runs <paramref name="work"/> on a new low-priority thread. Failing to lower the priority is not fatal.</summary>
    /// <param name="work">The work.</param>
    /// <param name="lowered">Told whether the priority was lowered, and if not, why.</param>
    public static Task<T> Run<T>(Func<T> work, Action<string?>? lowered = null)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            lowered?.Invoke(Lower());
            try { result.SetResult(work()); }
            catch (Exception e) { result.SetException(e); }
        }) { IsBackground = true, Name = "weightguard-scan" };
        thread.Start();
        return result.Task;
    }

    /// <summary>Lowers the calling thread's CPU and I/O priority; returns null on success, else what failed.</summary>
    public static string? Lower()
    {
        if (OperatingSystem.IsWindows())
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return null;
        }
        if (!OperatingSystem.IsLinux()) return "priorities are lowered on Linux and Windows only";
        var problems = new List<string>();
        // who = 0: the calling thread (Linux keeps nice and ioprio per thread).
        if (setpriority(PRIO_PROCESS, 0, Nice) != 0) problems.Add($"setpriority: errno {Marshal.GetLastPInvokeError()}");
        var number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 251,
            Architecture.Arm64 => 30,
            _ => -1,
        };
        if (number < 0) problems.Add("ioprio_set: unknown syscall number on this architecture");
        else if (syscall(number, IOPRIO_WHO_PROCESS, 0, IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT) != 0)
            problems.Add($"ioprio_set: errno {Marshal.GetLastPInvokeError()}");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private const int PRIO_PROCESS = 0, IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_IDLE = 3, IOPRIO_CLASS_SHIFT = 13;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, uint who, int prio);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int which, int who, int ioprio);
}
