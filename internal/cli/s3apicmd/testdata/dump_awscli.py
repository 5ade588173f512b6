#!/usr/bin/env python3
"""Dump the AWS CLI's view of the s3api operations qcli offers, for
s3apicmd's tests: each operation's arguments (name, type, required,
positional), its input and output members (name and shape type), and its
paginator (botocore's paginators-1.json merged with its sdk-extras).

Regenerate after an SDK or AWS CLI upgrade:
  python3 testdata/dump_awscli.py $(go run ./testdata/opnames) > testdata/awscli.json
(the operation names are the CLI names of client.Operations()).
"""
import json
import sys

import awscli
from awscli.clidriver import create_clidriver

# Arguments every operation has that are about the CLI, not the request.
GENERIC = {"cli-input-json", "cli-input-yaml", "generate-cli-skeleton"}


def members(shape):
    if shape is None:
        return {}
    return {name: m.type_name for name, m in shape.members.items()}


def main(names):
    driver = create_clidriver()
    table = driver._get_command_table()["s3api"]._get_command_table()
    session = driver.session
    paginators = session.get_paginator_model("s3")
    out = {"aws_cli": awscli.__version__, "operations": {}}
    for name in names:
        op = table[name]
        model = op._operation_model
        args = []
        for arg_name, arg in op.arg_table.items():
            if arg_name in GENERIC:
                continue
            args.append({
                "name": arg_name,
                "type": arg.cli_type_name,
                "required": bool(arg.required),
                # get-object's outfile is a positional argument of its own kind.
                "positional": bool(getattr(arg, "positional_arg", False))
                or type(arg).__name__ == "StreamingOutputArgument",
                "documented": not getattr(arg, "_UNDOCUMENTED", False),
            })
        out["operations"][name] = {
            "name": model.name,
            "args": args,
            "input": members(model.input_shape),
            "output": members(model.output_shape),
        }
        try:
            config = paginators.get_paginator(model.name)
        except ValueError:
            continue
        listify = lambda v: v if isinstance(v, list) else [v]
        out["operations"][name]["paginator"] = {
            "input_token": listify(config["input_token"]),
            "output_token": listify(config["output_token"]),
            "more_results": config.get("more_results", ""),
            "limit_key": config.get("limit_key", ""),
            "result_key": listify(config["result_key"]),
            "non_aggregate_keys": config.get("non_aggregate_keys", []),
        }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
