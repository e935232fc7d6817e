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
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "version" -d 'Print the client version and the Istio version it installs'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "completion" -d 'Generate a shell completion script'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from version completion help" -f -a "version" -d 'Print the client version and the Istio version it installs'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from version completion help" -f -a "completion" -d 'Generate a shell completion script'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
