namespace WeightGuard.Collectors.Platform.Sudo;

/// <summary>The value a sudoers Defaults entry takes (sudo's <c>def_data.in</c> types).</summary>
public enum SudoDefaultType
{
    /// <summary>On or off: no value (<c>T_FLAG</c>).</summary>
    Flag,
    /// <summary>An integer (<c>T_INT</c>).</summary>
    Integer,
    /// <summary>A non-negative integer (<c>T_UINT</c>).</summary>
    Unsigned,
    /// <summary>Any string (<c>T_STR</c>).</summary>
    String,
    /// <summary>A list changed with <c>=</c>, <c>+=</c>, <c>-=</c> (<c>T_LIST</c>).</summary>
    List,
    /// <summary>A syslog facility (<c>T_LOGFAC</c>).</summary>
    Facility,
    /// <summary>A syslog priority (<c>T_LOGPRI</c>).</summary>
    Priority,
    /// <summary>One of a fixed set of words (<c>T_TUPLE</c>).</summary>
    Tuple,
    /// <summary>An octal file mode (<c>T_MODE</c>).</summary>
    Mode,
    /// <summary>A duration as <c>[Nd][Nh][Nm][Ns]</c> or seconds (<c>T_TIMEOUT</c>).</summary>
    Timeout,
    /// <summary>Minutes, possibly fractional or negative (<c>T_TIMESPEC</c>).</summary>
    Minutes,
    /// <summary>A resource limit: a number, <c>infinity</c>, <c>default</c> or <c>user</c>, optionally <c>soft,hard</c> (<c>T_RLIMIT</c>).</summary>
    ResourceLimit,
}

/// <summary>What a path-valued Defaults entry must look like.</summary>
public enum SudoPath
{
    /// <summary>Not a path.</summary>
    None,
    /// <summary>An absolute path (<c>T_PATH</c>).</summary>
    Absolute,
    /// <summary>An absolute path, <c>~</c> or <c>*</c> (<c>T_CHPATH</c>).</summary>
    Directory,
}

/// <summary>One Defaults entry's type.</summary>
/// <param name="type">The kind of value.</param>
/// <param name="negatable">Whether <c>!name</c> (and, for non-flags, the bare name) is allowed (<c>T_BOOL</c>).</param>
/// <param name="path">Whether the value must be a path.</param>
/// <param name="values">For <see cref="SudoDefaultType.Tuple"/>, the words allowed.</param>
public sealed class SudoDefault(SudoDefaultType type, bool negatable = false, SudoPath path = SudoPath.None, string[]? values = null)
{
    /// <summary>The kind of value.</summary>
    public SudoDefaultType Type { get; } = type;
    /// <summary>Whether <c>!name</c> is allowed.</summary>
    public bool Negatable { get; } = negatable;
    /// <summary>Whether the value must be a path.</summary>
    public SudoPath Path { get; } = path;
    /// <summary>The words a tuple allows.</summary>
    public IReadOnlyList<string> Values { get; } = values ?? [];
}

/// <summary>
/// Every Defaults entry sudo knows, with its type: the table of sudo's <c>plugins/sudoers/def_data.in</c> (sudo 1.9.18),
/// so that an unknown entry or a value of the wrong type is refused as visudo refuses it.
/// </summary>
public static class SudoDefaults
{
    /// <summary>The entries by name.</summary>
    public static IReadOnlyDictionary<string, SudoDefault> ByName { get; } = new Dictionary<string, SudoDefault>(StringComparer.Ordinal)
    {
        ["syslog"] = new(SudoDefaultType.Facility, negatable: true),
        ["syslog_goodpri"] = new(SudoDefaultType.Priority, negatable: true),
        ["syslog_badpri"] = new(SudoDefaultType.Priority, negatable: true),
        ["long_otp_prompt"] = new(SudoDefaultType.Flag),
        ["ignore_dot"] = new(SudoDefaultType.Flag),
        ["mail_always"] = new(SudoDefaultType.Flag),
        ["mail_badpass"] = new(SudoDefaultType.Flag),
        ["mail_no_user"] = new(SudoDefaultType.Flag),
        ["mail_no_host"] = new(SudoDefaultType.Flag),
        ["mail_no_perms"] = new(SudoDefaultType.Flag),
        ["mail_all_cmnds"] = new(SudoDefaultType.Flag),
        ["tty_tickets"] = new(SudoDefaultType.Flag),
        ["lecture"] = new(SudoDefaultType.Tuple, negatable: true, values: ["never", "once", "always"]),
        ["lecture_file"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["authenticate"] = new(SudoDefaultType.Flag),
        ["root_sudo"] = new(SudoDefaultType.Flag),
        ["log_host"] = new(SudoDefaultType.Flag),
        ["log_year"] = new(SudoDefaultType.Flag),
        ["shell_noargs"] = new(SudoDefaultType.Flag),
        ["set_home"] = new(SudoDefaultType.Flag),
        ["always_set_home"] = new(SudoDefaultType.Flag),
        ["path_info"] = new(SudoDefaultType.Flag),
        ["fqdn"] = new(SudoDefaultType.Flag),
        ["insults"] = new(SudoDefaultType.Flag),
        ["requiretty"] = new(SudoDefaultType.Flag),
        ["env_editor"] = new(SudoDefaultType.Flag),
        ["rootpw"] = new(SudoDefaultType.Flag),
        ["runaspw"] = new(SudoDefaultType.Flag),
        ["targetpw"] = new(SudoDefaultType.Flag),
        ["use_loginclass"] = new(SudoDefaultType.Flag),
        ["set_logname"] = new(SudoDefaultType.Flag),
        ["stay_setuid"] = new(SudoDefaultType.Flag),
        ["preserve_groups"] = new(SudoDefaultType.Flag),
        ["loglinelen"] = new(SudoDefaultType.Unsigned, negatable: true),
        ["timestamp_timeout"] = new(SudoDefaultType.Minutes, negatable: true),
        ["passwd_timeout"] = new(SudoDefaultType.Minutes, negatable: true),
        ["passwd_tries"] = new(SudoDefaultType.Unsigned),
        ["umask"] = new(SudoDefaultType.Mode, negatable: true),
        ["logfile"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["mailerpath"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["mailerflags"] = new(SudoDefaultType.String, negatable: true),
        ["mailto"] = new(SudoDefaultType.String, negatable: true),
        ["mailfrom"] = new(SudoDefaultType.String, negatable: true),
        ["mailsub"] = new(SudoDefaultType.String),
        ["badpass_message"] = new(SudoDefaultType.String),
        ["lecture_status_dir"] = new(SudoDefaultType.String, path: SudoPath.Absolute),
        ["timestampdir"] = new(SudoDefaultType.String, path: SudoPath.Absolute),
        ["timestampowner"] = new(SudoDefaultType.String),
        ["exempt_group"] = new(SudoDefaultType.String, negatable: true),
        ["passprompt"] = new(SudoDefaultType.String),
        ["passprompt_override"] = new(SudoDefaultType.Flag),
        ["runas_default"] = new(SudoDefaultType.String),
        ["secure_path"] = new(SudoDefaultType.String, negatable: true),
        ["editor"] = new(SudoDefaultType.String, path: SudoPath.Absolute),
        ["listpw"] = new(SudoDefaultType.Tuple, negatable: true, values: ["never", "any", "all", "always"]),
        ["verifypw"] = new(SudoDefaultType.Tuple, negatable: true, values: ["never", "all", "any", "always"]),
        ["noexec"] = new(SudoDefaultType.Flag),
        ["ignore_local_sudoers"] = new(SudoDefaultType.Flag),
        ["closefrom"] = new(SudoDefaultType.Integer),
        ["closefrom_override"] = new(SudoDefaultType.Flag),
        ["setenv"] = new(SudoDefaultType.Flag),
        ["env_reset"] = new(SudoDefaultType.Flag),
        ["env_check"] = new(SudoDefaultType.List, negatable: true),
        ["env_delete"] = new(SudoDefaultType.List, negatable: true),
        ["env_keep"] = new(SudoDefaultType.List, negatable: true),
        ["role"] = new(SudoDefaultType.String),
        ["type"] = new(SudoDefaultType.String),
        ["env_file"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["restricted_env_file"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["sudoers_locale"] = new(SudoDefaultType.String),
        ["visiblepw"] = new(SudoDefaultType.Flag),
        ["pwfeedback"] = new(SudoDefaultType.Flag),
        ["fast_glob"] = new(SudoDefaultType.Flag),
        ["umask_override"] = new(SudoDefaultType.Flag),
        ["log_input"] = new(SudoDefaultType.Flag),
        ["log_stdin"] = new(SudoDefaultType.Flag),
        ["log_ttyin"] = new(SudoDefaultType.Flag),
        ["log_output"] = new(SudoDefaultType.Flag),
        ["log_stdout"] = new(SudoDefaultType.Flag),
        ["log_stderr"] = new(SudoDefaultType.Flag),
        ["log_ttyout"] = new(SudoDefaultType.Flag),
        ["compress_io"] = new(SudoDefaultType.Flag),
        ["use_pty"] = new(SudoDefaultType.Flag),
        ["group_plugin"] = new(SudoDefaultType.String),
        ["iolog_dir"] = new(SudoDefaultType.String, path: SudoPath.Absolute),
        ["iolog_file"] = new(SudoDefaultType.String),
        ["set_utmp"] = new(SudoDefaultType.Flag),
        ["utmp_runas"] = new(SudoDefaultType.Flag),
        ["privs"] = new(SudoDefaultType.String),
        ["limitprivs"] = new(SudoDefaultType.String),
        ["exec_background"] = new(SudoDefaultType.Flag),
        ["pam_service"] = new(SudoDefaultType.String),
        ["pam_login_service"] = new(SudoDefaultType.String),
        ["pam_askpass_service"] = new(SudoDefaultType.String),
        ["pam_setcred"] = new(SudoDefaultType.Flag),
        ["pam_session"] = new(SudoDefaultType.Flag),
        ["pam_acct_mgmt"] = new(SudoDefaultType.Flag),
        ["pam_silent"] = new(SudoDefaultType.Flag),
        ["maxseq"] = new(SudoDefaultType.String),
        ["use_netgroups"] = new(SudoDefaultType.Flag),
        ["sudoedit_checkdir"] = new(SudoDefaultType.Flag),
        ["sudoedit_follow"] = new(SudoDefaultType.Flag),
        ["always_query_group_plugin"] = new(SudoDefaultType.Flag),
        ["netgroup_tuple"] = new(SudoDefaultType.Flag),
        ["ignore_audit_errors"] = new(SudoDefaultType.Flag),
        ["ignore_iolog_errors"] = new(SudoDefaultType.Flag),
        ["ignore_logfile_errors"] = new(SudoDefaultType.Flag),
        ["match_group_by_gid"] = new(SudoDefaultType.Flag),
        ["syslog_maxlen"] = new(SudoDefaultType.Unsigned),
        ["iolog_user"] = new(SudoDefaultType.String, negatable: true),
        ["iolog_group"] = new(SudoDefaultType.String, negatable: true),
        ["iolog_mode"] = new(SudoDefaultType.Mode),
        ["fdexec"] = new(SudoDefaultType.Tuple, negatable: true, values: ["never", "digest_only", "always"]),
        ["ignore_unknown_defaults"] = new(SudoDefaultType.Flag),
        ["command_timeout"] = new(SudoDefaultType.Timeout, negatable: true),
        ["user_command_timeouts"] = new(SudoDefaultType.Flag),
        ["iolog_flush"] = new(SudoDefaultType.Flag),
        ["syslog_pid"] = new(SudoDefaultType.Flag),
        ["timestamp_type"] = new(SudoDefaultType.Tuple, values: ["global", "ppid", "tty", "kernel"]),
        ["authfail_message"] = new(SudoDefaultType.String),
        ["case_insensitive_user"] = new(SudoDefaultType.Flag),
        ["case_insensitive_group"] = new(SudoDefaultType.Flag),
        ["log_allowed"] = new(SudoDefaultType.Flag),
        ["log_denied"] = new(SudoDefaultType.Flag),
        ["log_servers"] = new(SudoDefaultType.List, negatable: true),
        ["log_server_timeout"] = new(SudoDefaultType.Timeout, negatable: true),
        ["log_server_keepalive"] = new(SudoDefaultType.Flag),
        ["log_server_cabundle"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["log_server_peer_cert"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["log_server_peer_key"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Absolute),
        ["log_server_verify"] = new(SudoDefaultType.Flag),
        ["runas_allow_unknown_id"] = new(SudoDefaultType.Flag),
        ["runas_check_shell"] = new(SudoDefaultType.Flag),
        ["pam_ruser"] = new(SudoDefaultType.Flag),
        ["pam_rhost"] = new(SudoDefaultType.Flag),
        ["runcwd"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Directory),
        ["runchroot"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Directory),
        ["log_format"] = new(SudoDefaultType.Tuple, values: ["sudo", "json", "json_compact", "json_pretty"]),
        ["selinux"] = new(SudoDefaultType.Flag),
        ["admin_flag"] = new(SudoDefaultType.String, negatable: true, path: SudoPath.Directory),
        ["intercept"] = new(SudoDefaultType.Flag),
        ["log_subcmds"] = new(SudoDefaultType.Flag),
        ["log_exit_status"] = new(SudoDefaultType.Flag),
        ["intercept_authenticate"] = new(SudoDefaultType.Flag),
        ["intercept_allow_setid"] = new(SudoDefaultType.Flag),
        ["rlimit_as"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_core"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_cpu"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_data"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_fsize"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_locks"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_memlock"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_nofile"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_nproc"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_rss"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["rlimit_stack"] = new(SudoDefaultType.ResourceLimit, negatable: true),
        ["noninteractive_auth"] = new(SudoDefaultType.Flag),
        ["log_passwords"] = new(SudoDefaultType.Flag),
        ["passprompt_regex"] = new(SudoDefaultType.List, negatable: true),
        ["intercept_type"] = new(SudoDefaultType.Tuple, values: ["dso", "trace"]),
        ["intercept_verify"] = new(SudoDefaultType.Flag),
        ["apparmor_profile"] = new(SudoDefaultType.String),
        ["cmddenial_message"] = new(SudoDefaultType.String),
    };
}
