# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_istioctl_global_optspecs
    string join \n c/kubeconfig= context= n/namespace= i/istioNamespace= h/help V/version
end

function __fish_istioctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_istioctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_istioctl_using_subcommand
    set -l cmd (__fish_istioctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c istioctl -n "__fish_istioctl_needs_command" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_needs_command" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_needs_command" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_needs_command" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_needs_command" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_needs_command" -s V -l version -d 'Print version'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "analyze" -d 'Analyze Istio configuration and print validation messages'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "version" -d 'Print the client version and the Istio version it installs'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "completion" -d 'Generate a shell completion script'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l use-kube -d 'Read resources from the cluster of the current context (`--use-kube=false` for files only)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l analyzer -d 'Run only this analyzer (repeatable); see --list-analyzers' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s o -l output -d 'Output format' -r -f -a "log\t'One line per finding, with a hint and (on a terminal) a code frame'
json\t'A JSON array'
yaml\t'A YAML list'
sarif\t'SARIF 2.1.0, for code-scanning services'"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l output-threshold -d 'Lowest level of the findings that are printed' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l failure-threshold -d 'Lowest level of the findings that make the exit code 79' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s S -l suppress -d 'Suppress a code for resources matching a pattern, `*` as wildcard (repeatable), e.g. "IST0102=Namespace frod" or "IST0107=Pod *.baz"' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l color -d 'Colors: auto (on a terminal), always or never; `--color=true`/`--color=false` as istioctl' -r -f -a "auto\t''
always\t''
never\t''
true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l meshConfigFile -d 'A MeshConfig file overriding the defaults' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l meshNetworksFile -d 'A MeshNetworks file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s R -l recursive -d 'Recurse into directories' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s A -l all-namespaces -d 'Analyze all namespaces'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s L -l list-analyzers -d 'List the analyzers and exit'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l ignore-unknown -d 'Files that cannot be read or parsed do not make the exit code non-zero'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s o -l output -d 'Output format: one of json|yaml' -r -f -a "json\t''
yaml\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -l short -d 'Print only the client version'
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze version completion help" -f -a "analyze" -d 'Analyze Istio configuration and print validation messages'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze version completion help" -f -a "version" -d 'Print the client version and the Istio version it installs'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze version completion help" -f -a "completion" -d 'Generate a shell completion script'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
