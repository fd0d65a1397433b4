# Sourced by every node's entrypoint. A fleet run may reach a node over ssh: with the run's client key
# given, that key may log in and the run's host key names the node. Neither key stays in the environment.
start_fleet_sshd() {
  if [ -n "${FLEETGATE_SSH_AUTHORIZED_KEY:-}" ]; then
    mkdir -p /root/.ssh /run/sshd
    chmod 700 /root/.ssh
    printf '%s\n' "$FLEETGATE_SSH_AUTHORIZED_KEY" > /root/.ssh/authorized_keys
    (umask 077; printf '%s\n' "$FLEETGATE_SSH_HOST_KEY" > /etc/ssh/ssh_host_ed25519_key)
    /usr/sbin/sshd -o HostKey=/etc/ssh/ssh_host_ed25519_key -o PasswordAuthentication=no -o PermitRootLogin=prohibit-password
  fi
  unset FLEETGATE_SSH_HOST_KEY FLEETGATE_SSH_AUTHORIZED_KEY
}
