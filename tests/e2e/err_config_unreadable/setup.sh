mkdir schule.yaml
