mkfifo schule.yaml
