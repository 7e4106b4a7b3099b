//! Transcript tests: each block is what a learner types and what the terminal shows,
//! checked against bash's and GNU coreutils' behaviour. `UPDATE_EXPECT=1` rewrites them.

mod common;

use common::check;
use expect_test::expect;

#[test]
fn words_and_quotes() {
    check(
        r#"
$ echo hello   world
$ echo 'single  $HOME' "double  $HOME" \$HOME a\ b
$ echo "a"'b'c"$(echo d)"
$ echo "tab:\t" 'x\ny'
$ echo $'ansi\tC\x41'
$ hello "one two" three '' ""
$ echo \"quoted\" \\ end
$ echo "nested \"quotes\" and \\ backslash"
$ # a comment
$ echo not#comment # but this is
"#,
        expect![[r#"
            $ echo hello   world
            hello world
            $ echo 'single  $HOME' "double  $HOME" \$HOME a\ b
            single  $HOME double  /home/learner $HOME a b
            $ echo "a"'b'c"$(echo d)"
            abcd
            $ echo "tab:\t" 'x\ny'
            tab:\t x\ny
            $ echo $'ansi\tC\x41'
            ansi	CA
            $ hello "one two" three '' ""
            hello [one two] [three] [] []
            $ echo \"quoted\" \\ end
            "quoted" \ end
            $ echo "nested \"quotes\" and \\ backslash"
            nested "quotes" and \ backslash
            $ # a comment
            $ echo not#comment # but this is
            not#comment
        "#]],
    );
}

#[test]
fn parameters() {
    check(
        r#"
$ NAME=world; echo "hello $NAME" ${NAME} "${NAME}s"
$ echo ${UNSET:-default} ${UNSET-dash} "${EMPTY:-empty}" ${NAME:+set}
$ echo ${NEW:=assigned} $NEW
$ X=abc.tar.gz; echo ${#X} ${X%.*} ${X%%.*} ${X#*.} ${X##*.}
$ X=hello; echo ${X/l/L} ${X//l/L} ${X^^} ${X^} ${X:1:3} ${X: -2}
$ echo ${UNSET:?is required}
$ echo after
$ echo ${X!}
$ set -- a "b c" d; echo $# "$1" "$2"; for a in "$@"; do echo "[$a]"; done
$ set -- a "b c" d; for a in $@; do echo "[$a]"; done; echo "$*"
$ false; echo $?; true; echo $?
$ echo $0 $$
"#,
        expect![[r#"
            $ NAME=world; echo "hello $NAME" ${NAME} "${NAME}s"
            hello world world worlds
            $ echo ${UNSET:-default} ${UNSET-dash} "${EMPTY:-empty}" ${NAME:+set}
            default dash empty set
            $ echo ${NEW:=assigned} $NEW
            assigned assigned
            $ X=abc.tar.gz; echo ${#X} ${X%.*} ${X%%.*} ${X#*.} ${X##*.}
            10 abc.tar abc tar.gz gz
            $ X=hello; echo ${X/l/L} ${X//l/L} ${X^^} ${X^} ${X:1:3} ${X: -2}
            heLlo heLLo HELLO Hello ell lo
            $ echo ${UNSET:?is required}
            bash: UNSET: is required
            [exit 1]
            $ echo after
            after
            $ echo ${X!}
            bash: ${X!}: bad substitution
            [exit 1]
            $ set -- a "b c" d; echo $# "$1" "$2"; for a in "$@"; do echo "[$a]"; done
            3 a b c
            [a]
            [b c]
            [d]
            $ set -- a "b c" d; for a in $@; do echo "[$a]"; done; echo "$*"
            [a]
            [b]
            [c]
            [d]
            a b c d
            $ false; echo $?; true; echo $?
            1
            0
            $ echo $0 $$
            bash 4242
        "#]],
    );
}

#[test]
fn substitution_and_arithmetic() {
    check(
        r#"
$ echo "files: $(echo a; echo b)" `echo back`
$ x=$(printf 'a\n\n\n'); echo "[$x]"
$ echo $(( 1 + 2 * 3 )) $((10 / 3)) $((10 % 3)) $((2 ** 8)) $(( (1+2) * 3 ))
$ i=5; echo $((i + 1)) $((i++)) $i $((++i)) $((i > 3 ? 100 : 200))
$ echo $((1/0))
$ echo $(( 1 + ))
$ n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n
$ (( 5 > 3 )) && echo yes; (( 0 )) || echo zero-is-false
$ echo $(echo $(echo nested))
$ x=$(false); echo $?
"#,
        expect![[r#"
            $ echo "files: $(echo a; echo b)" `echo back`
            files: a
            b back
            $ x=$(printf 'a\n\n\n'); echo "[$x]"
            [a]
            $ echo $(( 1 + 2 * 3 )) $((10 / 3)) $((10 % 3)) $((2 ** 8)) $(( (1+2) * 3 ))
            7 3 1 256 9
            $ i=5; echo $((i + 1)) $((i++)) $i $((++i)) $((i > 3 ? 100 : 200))
            6 5 6 7 100
            $ echo $((1/0))
            bash: 1/0: division by 0 (error token is "0")
            [exit 1]
            $ echo $(( 1 + ))
            bash: 1 + : syntax error: operand expected (error token is "+ ")
            [exit 1]
            $ n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n
            3
            $ (( 5 > 3 )) && echo yes; (( 0 )) || echo zero-is-false
            yes
            zero-is-false
            $ echo $(echo $(echo nested))
            nested
            $ x=$(false); echo $?
            1
        "#]],
    );
}

#[test]
fn globbing_and_tilde() {
    check(
        r#"
$ mkdir -p app/sub && touch app/a.yaml app/b.yaml app/c.txt app/.hidden
$ echo app/*.yaml
$ echo app/?.txt app/*
$ echo app/*.json
$ echo "app/*.yaml" 'app/*'
$ cd app; echo *; echo [ab].yaml; cd ..
$ echo ~ ~/x "~" ~root
$ ls app/*.yaml
"#,
        expect![[r#"
            $ mkdir -p app/sub && touch app/a.yaml app/b.yaml app/c.txt app/.hidden
            $ echo app/*.yaml
            app/a.yaml app/b.yaml
            $ echo app/?.txt app/*
            app/c.txt app/a.yaml app/b.yaml app/c.txt app/sub
            $ echo app/*.json
            app/*.json
            $ echo "app/*.yaml" 'app/*'
            app/*.yaml app/*
            $ cd app; echo *; echo [ab].yaml; cd ..
            a.yaml b.yaml c.txt sub
            a.yaml b.yaml
            $ echo ~ ~/x "~" ~root
            /home/learner /home/learner/x ~ /root
            $ ls app/*.yaml
            app/a.yaml  app/b.yaml
        "#]],
    );
}

#[test]
fn pipes_and_redirects() {
    check(
        r#"
$ echo hello | upper
$ printf 'b\na\nc\n' | sort | head -n 2
$ echo one > f.txt; echo two >> f.txt; cat f.txt
$ cat < f.txt | wc -l
$ oops
$ oops 2>/dev/null
$ oops > out.txt; cat out.txt
$ oops 2> err.txt; cat err.txt
$ oops > all.txt 2>&1; cat all.txt
$ oops &> both.txt; cat both.txt
$ oops 2>&1 | upper
$ oops |& upper
$ echo to-stderr >&2
$ echo x > /dev/null; cat /dev/null
$ cat nofile
$ cat < nofile
$ echo hi > nodir/file
$ echo hi > app
$ mkdir app; echo hi > app
$ cat <<EOF
> Hello $USER
> sum: $((1+1))
> EOF
$ cat <<'EOF'
> literal $USER
> EOF
$ cat <<-EOF
> 	tabs stripped
> 	EOF
$ upper <<< "here string"
$ cat <<A; cat <<B
> first
> A
> second
> B
"#,
        expect![[r#"
            $ echo hello | upper
            HELLO
            $ printf 'b\na\nc\n' | sort | head -n 2
            a
            b
            $ echo one > f.txt; echo two >> f.txt; cat f.txt
            one
            two
            $ cat < f.txt | wc -l
            2
            $ oops
            out
            oops: something went wrong
            [exit 3]
            $ oops 2>/dev/null
            out
            [exit 3]
            $ oops > out.txt; cat out.txt
            oops: something went wrong
            out
            $ oops 2> err.txt; cat err.txt
            out
            oops: something went wrong
            $ oops > all.txt 2>&1; cat all.txt
            out
            oops: something went wrong
            $ oops &> both.txt; cat both.txt
            out
            oops: something went wrong
            $ oops 2>&1 | upper
            OUT
            OOPS: SOMETHING WENT WRONG
            $ oops |& upper
            OUT
            OOPS: SOMETHING WENT WRONG
            $ echo to-stderr >&2
            to-stderr
            $ echo x > /dev/null; cat /dev/null
            $ cat nofile
            cat: nofile: No such file or directory
            [exit 1]
            $ cat < nofile
            bash: nofile: No such file or directory
            [exit 1]
            $ echo hi > nodir/file
            bash: nodir/file: No such file or directory
            [exit 1]
            $ echo hi > app
            $ mkdir app; echo hi > app
            mkdir: cannot create directory ‘app’: File exists
            $ cat <<EOF
            > Hello $USER
            > sum: $((1+1))
            > EOF
            Hello learner
            sum: 2
            $ cat <<'EOF'
            > literal $USER
            > EOF
            literal $USER
            $ cat <<-EOF
            > 	tabs stripped
            > 	EOF
            tabs stripped
            $ upper <<< "here string"
            HERE STRING
            $ cat <<A; cat <<B
            > first
            > A
            > second
            > B
            first
            second
        "#]],
    );
}

#[test]
fn lists_and_control_flow() {
    check(
        r#"
$ true && echo and-ran; false && echo not-ran; false || echo or-ran
$ ! false && echo negated
$ { echo a; echo b; } | wc -l
$ (cd /tmp; pwd); pwd
$ if [ -d /tmp ]; then echo dir; elif true; then echo no; else echo never; fi
$ if false; then echo 1; elif false; then echo 2; else echo 3; fi
$ for i in 1 2 3; do echo "n=$i"; done
$ for f in a b c; do if [ $f = b ]; then continue; fi; echo $f; done
$ for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done
$ i=0; until [ $i -ge 2 ]; do echo $i; i=$((i+1)); done
$ for ((i=0; i<3; i++)); do echo c$i; done
$ case "pod.yaml" in *.json) echo json;; *.yaml|*.yml) echo yaml;; *) echo other;; esac
$ case x in a) echo a;; esac; echo status $?
$ for x in a b; do
>   for y in 1 2; do
>     [ $y = 2 ] && continue 2
>     echo $x$y
>   done
> done
$ echo one & echo two
$ break
"#,
        expect![[r#"
            $ true && echo and-ran; false && echo not-ran; false || echo or-ran
            and-ran
            or-ran
            $ ! false && echo negated
            negated
            $ { echo a; echo b; } | wc -l
            2
            $ (cd /tmp; pwd); pwd
            /tmp
            /home/learner
            $ if [ -d /tmp ]; then echo dir; elif true; then echo no; else echo never; fi
            dir
            $ if false; then echo 1; elif false; then echo 2; else echo 3; fi
            3
            $ for i in 1 2 3; do echo "n=$i"; done
            n=1
            n=2
            n=3
            $ for f in a b c; do if [ $f = b ]; then continue; fi; echo $f; done
            a
            c
            $ for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done
            1
            2
            $ i=0; until [ $i -ge 2 ]; do echo $i; i=$((i+1)); done
            0
            1
            $ for ((i=0; i<3; i++)); do echo c$i; done
            c0
            c1
            c2
            $ case "pod.yaml" in *.json) echo json;; *.yaml|*.yml) echo yaml;; *) echo other;; esac
            yaml
            $ case x in a) echo a;; esac; echo status $?
            status 0
            $ for x in a b; do
            >   for y in 1 2; do
            >     [ $y = 2 ] && continue 2
            >     echo $x$y
            >   done
            > done
            a1
            b1
            $ echo one & echo two
            [1] 4394
            one
            two
            $ break
            bash: break: only meaningful in a `for', `while', or `until' loop
            [1]+  Done                    echo one
        "#]],
    );
}

#[test]
fn functions() {
    check(
        r#"
$ greet() { echo "hello $1 ($#)"; }; greet world x
$ f() { local v=inner; echo $v; return 3; }; v=outer; f; echo "$? $v"
$ function g { echo "g called"; }; g
$ fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5
$ loop() { loop; }; loop
$ echo survived
$ return
$ type greet
"#,
        expect![[r#"
            $ greet() { echo "hello $1 ($#)"; }; greet world x
            hello world (2)
            $ f() { local v=inner; echo $v; return 3; }; v=outer; f; echo "$? $v"
            inner
            3 outer
            $ function g { echo "g called"; }; g
            g called
            $ fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5
            120
            $ loop() { loop; }; loop
            bash: maximum nesting level exceeded (100); command stopped
            [exit 1]
            $ echo survived
            survived
            $ return
            bash: return: can only `return' from a function or sourced script
            [exit 1]
            $ type greet
            greet is a function
            greet () 
            { echo "hello $1 ($#)"; }
        "#]],
    );
}

#[test]
fn tests_and_conditions() {
    check(
        r#"
$ touch f; mkdir d
$ [ -f f ] && echo file; [ -d d ] && echo dir; [ -e nope ] || echo missing
$ [ -z "" ] && echo empty; [ -n "x" ] && echo nonempty
$ [ a = a ] && echo eq; [ a != b ] && echo ne; [ 2 -lt 10 ] && echo lt; [ 10 -ge 10 ] && echo ge
$ test 3 -eq 3 && echo test-works
$ [ abc -eq 1 ]
$ [ a = a
$ [ a b c ]
$ [ ! -f nope -a -d d ] && echo combined
$ [[ foo == f* ]] && echo glob; [[ "a b" == "a b" ]] && echo spaces
$ [[ -f f && ! -d f ]] && echo and-not
$ [[ abc123 =~ ^[a-z]+([0-9]+)$ ]] && echo "regex $BASH_REMATCH"
$ [[ 10 -gt 9 ]] && echo numeric
$ [[ b > a ]] && echo string-order
$ x=""; [ -z $x ] && echo unquoted-empty
"#,
        expect![[r#"
            $ touch f; mkdir d
            $ [ -f f ] && echo file; [ -d d ] && echo dir; [ -e nope ] || echo missing
            file
            dir
            missing
            $ [ -z "" ] && echo empty; [ -n "x" ] && echo nonempty
            empty
            nonempty
            $ [ a = a ] && echo eq; [ a != b ] && echo ne; [ 2 -lt 10 ] && echo lt; [ 10 -ge 10 ] && echo ge
            eq
            ne
            lt
            ge
            $ test 3 -eq 3 && echo test-works
            test-works
            $ [ abc -eq 1 ]
            bash: [: abc: integer expression expected
            [exit 2]
            $ [ a = a
            bash: [: missing `]'
            [exit 2]
            $ [ a b c ]
            bash: [: b: binary operator expected
            [exit 2]
            $ [ ! -f nope -a -d d ] && echo combined
            combined
            $ [[ foo == f* ]] && echo glob; [[ "a b" == "a b" ]] && echo spaces
            glob
            spaces
            $ [[ -f f && ! -d f ]] && echo and-not
            and-not
            $ [[ abc123 =~ ^[a-z]+([0-9]+)$ ]] && echo "regex $BASH_REMATCH"
            regex abc123
            $ [[ 10 -gt 9 ]] && echo numeric
            numeric
            $ [[ b > a ]] && echo string-order
            string-order
            $ x=""; [ -z $x ] && echo unquoted-empty
            unquoted-empty
        "#]],
    );
}

#[test]
fn variables_aliases_and_environment() {
    check(
        r#"
$ export KUBECONFIG=/tmp/config; showenv KUBECONFIG
$ LOCAL=1; showenv LOCAL
$ TEMP=yes showenv TEMP; echo "after: ${TEMP:-unset}"
$ alias k=kubectl
$ k get pods -n kube-system
$ alias kgp='kubectl get pods'; kgp -A
$ alias
$ alias nope
$ unalias k; k get pods
$ unalias k
$ unset LOCAL; echo "[${LOCAL}]"
$ export 1bad=x
$ env | grep KUBECONFIG
$ env FOO=bar showenv FOO
$ cd /tmp; showenv PWD
$ cd -
$ cd /nonexistent
$ cd /etc/hosts/x
$ cd a b
$ pwd
"#,
        expect![[r#"
            $ export KUBECONFIG=/tmp/config; showenv KUBECONFIG
            KUBECONFIG=/tmp/config cwd=/home/learner
            $ LOCAL=1; showenv LOCAL
            LOCAL=<unset> cwd=/home/learner
            $ TEMP=yes showenv TEMP; echo "after: ${TEMP:-unset}"
            TEMP=yes cwd=/home/learner
            after: unset
            $ alias k=kubectl
            $ k get pods -n kube-system
            kubectl [get] [pods] [-n] [kube-system]
            $ alias kgp='kubectl get pods'; kgp -A
            kubectl [get] [pods] [-A]
            $ alias
            alias k='kubectl'
            alias kgp='kubectl get pods'
            $ alias nope
            bash: alias: nope: not found
            [exit 1]
            $ unalias k; k get pods
            bash: k: command not found
            [exit 127]
            $ unalias k
            bash: unalias: k: not found
            [exit 1]
            $ unset LOCAL; echo "[${LOCAL}]"
            []
            $ export 1bad=x
            bash: export: `1bad=x': not a valid identifier
            [exit 1]
            $ env | grep KUBECONFIG
            KUBECONFIG=/tmp/config
            $ env FOO=bar showenv FOO
            FOO=bar cwd=/home/learner
            $ cd /tmp; showenv PWD
            PWD=/tmp cwd=/tmp
            $ cd -
            /home/learner
            $ cd /nonexistent
            bash: cd: /nonexistent: No such file or directory
            [exit 1]
            $ cd /etc/hosts/x
            bash: cd: /etc/hosts/x: No such file or directory
            [exit 1]
            $ cd a b
            bash: cd: too many arguments
            [exit 1]
            $ pwd
            /home/learner
        "#]],
    );
}

#[test]
fn syntax_errors() {
    check(
        r#"
$ fi
$ echo a; done
$ if true; then fi
$ echo )
$ echo >
$ { }
$ for 1x in a; do echo; done
$ echo a | | b
$ ;;
$ case x in
> a) echo a
"#,
        expect![[r#"
            $ fi
            bash: syntax error near unexpected token `fi'
            [exit 2]
            $ echo a; done
            bash: syntax error near unexpected token `done'
            [exit 2]
            $ if true; then fi
            bash: syntax error near unexpected token `fi'
            [exit 2]
            $ echo )
            bash: syntax error near unexpected token `)'
            [exit 2]
            $ echo >
            bash: syntax error near unexpected token `newline'
            [exit 2]
            $ { }
            bash: syntax error near unexpected token `}'
            [exit 2]
            $ for 1x in a; do echo; done
            bash: `1x': not a valid identifier
            [exit 2]
            $ echo a | | b
            bash: syntax error near unexpected token `|'
            [exit 2]
            $ ;;
            bash: syntax error near unexpected token `;;'
            [exit 2]
            $ case x in
            > a) echo a
            bash: syntax error: unexpected end of file
            [exit 2]
        "#]],
    );
}

#[test]
fn command_lookup() {
    check(
        r#"
$ nosuchcmd --flag
$ type cd ls if kubectl nosuch
$ type -t cd
$ which ls kubectl
$ which cd
$ command -v kubectl ls
$ hello from host
$ exit 3
$ history
"#,
        expect![[r#"
            $ nosuchcmd --flag
            bash: nosuchcmd: command not found
            [exit 127]
            $ type cd ls if kubectl nosuch
            cd is a shell builtin
            ls is /usr/bin/ls
            if is a shell keyword
            kubectl is /usr/local/bin/kubectl
            bash: type: nosuch: not found
            [exit 1]
            $ type -t cd
            builtin
            $ which ls kubectl
            /usr/bin/ls
            /usr/local/bin/kubectl
            $ which cd
            [exit 1]
            $ command -v kubectl ls
            /usr/local/bin/kubectl
            /usr/bin/ls
            $ hello from host
            hello [from] [host]
            $ exit 3
            [exit 3]
            $ history
                1  nosuchcmd --flag
                2  type cd ls if kubectl nosuch
                3  type -t cd
                4  which ls kubectl
                5  which cd
                6  command -v kubectl ls
                7  hello from host
                8  exit 3
                9  history
        "#]],
    );
}

#[test]
fn scripts_source_and_eval() {
    check(
        r#"
$ cat > deploy.sh <<'EOF'
> #!/bin/bash
> echo "deploying $1 with $# args"
> NAME=$1
> exit 4
> EOF
$ bash deploy.sh web x; echo "status $? NAME=[$NAME]"
$ ./deploy.sh web
$ chmod +x deploy.sh; ./deploy.sh api
$ echo 'GREETING=hi; alias ll="ls -l"' > env.sh; source env.sh; echo $GREETING; type ll
$ . ./missing.sh
$ eval 'echo evaluated; X=1'; echo $X
$ bash -c 'echo in child $0 $1' name arg
$ echo 'echo from stdin' | bash
$ set -e; false; echo not reached
$ echo next line runs
"#,
        expect![[r#"
            $ cat > deploy.sh <<'EOF'
            > #!/bin/bash
            > echo "deploying $1 with $# args"
            > NAME=$1
            > exit 4
            > EOF
            $ bash deploy.sh web x; echo "status $? NAME=[$NAME]"
            deploying web with 2 args
            status 4 NAME=[]
            $ ./deploy.sh web
            bash: ./deploy.sh: Permission denied
            [exit 126]
            $ chmod +x deploy.sh; ./deploy.sh api
            deploying api with 1 args
            [exit 4]
            $ echo 'GREETING=hi; alias ll="ls -l"' > env.sh; source env.sh; echo $GREETING; type ll
            hi
            ll is aliased to `ls -l'
            $ . ./missing.sh
            bash: ./missing.sh: No such file or directory
            [exit 1]
            $ eval 'echo evaluated; X=1'; echo $X
            evaluated
            1
            $ bash -c 'echo in child $0 $1' name arg
            in child name arg
            $ echo 'echo from stdin' | bash
            from stdin
            $ set -e; false; echo not reached
            [exit 1]
            $ echo next line runs
            next line runs
        "#]],
    );
}

#[test]
fn read_loops() {
    check(
        r#"
$ printf 'a 1\nb 2\nc 3\n' > data.txt
$ while read name num; do echo "$num:$name"; done < data.txt
$ cat data.txt | while read line; do echo "<$line>"; done
$ read x <<< "from here string"; echo $x
$ IFS=: read a b <<< "left:right"; echo "$a / $b"
$ n=0; while read l; do n=$((n+1)); done < data.txt; echo $n
"#,
        expect![[r#"
            $ printf 'a 1\nb 2\nc 3\n' > data.txt
            $ while read name num; do echo "$num:$name"; done < data.txt
            1:a
            2:b
            3:c
            $ cat data.txt | while read line; do echo "<$line>"; done
            <a 1>
            <b 2>
            <c 3>
            $ read x <<< "from here string"; echo $x
            from here string
            $ IFS=: read a b <<< "left:right"; echo "$a / $b"
            left / right
            $ n=0; while read l; do n=$((n+1)); done < data.txt; echo $n
            3
        "#]],
    );
}

#[test]
fn budget_and_limits() {
    check(
        r#"
$ while true; do :; done
$ echo still here
$ x=a; while true; do x=$x$x; done
$ f() { echo $(f); }; f
$ x=$(seq 1 30000); y=${x//1/one}; echo ${#x} ${#y}; y=${x//[13]*[24]/-}; echo done
$ x=$(seq 1 30000); echo ${x%%*0}; echo ${x%.*} | wc -c
"#,
        expect![[r#"
            $ while true; do :; done
            bash: step budget exceeded (100000 steps); command stopped
            [exit 130]
            $ echo still here
            still here
            $ x=a; while true; do x=$x$x; done
            bash: word too large (16 MiB limit)
            [exit 1]
            $ f() { echo $(f); }; f
            bash: maximum nesting level exceeded (100); command stopped
            [exit 1]
            $ x=$(seq 1 30000); y=${x//1/one}; echo ${#x} ${#y}; y=${x//[13]*[24]/-}; echo done
            168893 212893
            done
            $ x=$(seq 1 30000); echo ${x%%*0}; echo ${x%.*} | wc -c

            168894
        "#]],
    );
}

#[test]
fn process_substitution_and_completion_setup() {
    check(
        r#"
$ cat <(echo from a subshell)
$ wc -l <(printf 'a\nb\n')
$ source <(echo 'COMPLETED=yes; complete -o default -F __start_kubectl k')
$ echo $COMPLETED
$ ls /dev
"#,
        expect![[r#"
            $ cat <(echo from a subshell)
            from a subshell
            $ wc -l <(printf 'a\nb\n')
            2 /dev/fd/63
            $ source <(echo 'COMPLETED=yes; complete -o default -F __start_kubectl k')
            $ echo $COMPLETED
            yes
            $ ls /dev
            null
        "#]],
    );
}

/// Cases compared line by line with GNU bash 5 (only the home directory differs).
#[test]
fn bash_compatibility() {
    check(
        r#"
$ x="a  b   c"; echo $x; echo "$x"
$ x="  lead trail  "; for w in $x; do echo "[$w]"; done
$ set -- "a b" c; echo "$@"; echo "$*"; echo $#; f() { echo $#; }; f "$@"; f $@; f "$*"
$ empty=""; f() { echo $#; }; f $empty; f "$empty"; f $empty x
$ echo "${#}" "${1}" "${@:2}"
$ a=1; a+=2; echo $a
$ echo ${x:-"quoted default"} "${x:-also}"
$ unset u; echo ${u:-$HOME} ${u:+alt} "${u-}"
$ s="path/to/file.tar.gz"; echo ${s##*/} ${s%/*} ${s#*/} ${s%%/*} ${s/to/TO} ${s//t/T}
$ v=abcdef; echo ${v:2} ${v:2:2} ${v: -3} ${v:1:-1} ${#v}
$ echo $((3 + 4 * 2)) $((-5 / 2)) $((7 % -3)) $((1 << 4)) $((0xff)) $((010)) $((2#101))
$ x=5; ((x += 3)); echo $x; ((x++)); echo $x; echo $((x--)) $x
$ echo $(( 3 > 2 && 2 > 1 )) $(( 1 || 0 )) $(( !0 )) $(( ~0 ))
$ case abc in a*) echo starts-a;; esac; case "x y" in "x y") echo quoted;; esac; case 5 in [0-9]) echo digit;; esac
$ case foo in bar|foo) echo alt;; *) echo default;; esac
$ for x in 1 2 3; do echo -n "$x "; done; echo
$ for f in; do echo never; done; echo empty-list
$ i=0; while (( i < 3 )); do echo $i; ((i++)); done
$ f() { local x=1; g; echo "f:$x"; }; g() { x=2; }; x=0; f; echo "global:$x"
$ f() { echo "args: $*"; shift; echo "after shift: $*"; }; f a b c
$ f() { return 7; }; f; echo $?
$ out=$(echo hi; echo there); echo "$out"
$ echo "$(echo "inner \"quoted\"")"
$ echo `echo \`echo deep\``
$ echo $(echo a b) "$(echo a b)"
$ cat <<EOF | tr a-z A-Z
> piped $((1+1))
> EOF
$ cat <<"END"
> $not expanded `nor this`
> END
$ x=1; cat <<EOF
> \$x is $x and \\ stays
> EOF
$ echo a; echo b >&2; echo c
$ { echo out; echo err >&2; } 2>/dev/null
$ { echo out; echo err >&2; } > /dev/null
$ echo hello > f1; cat f1 f1 > f2; wc -l < f2
$ echo first > f3; echo second >> f3; cat f3
$ (echo sub; exit 3); echo "status $?"
$ false || { echo recovered; }
$ true && false || echo chain
$ ! true; echo $?
$ echo $?; false; echo $?
$ [ -n "$HOME" ] && [ -d "$HOME" ] && echo home-ok
$ [ 1 -eq 1 -a 2 -eq 2 ] && echo both
$ [ "" ] || echo empty-false; [ x ] && echo x-true
$ test -z "" && echo z
$ [ 5 -gt 3 ]; echo $?; [ 3 -gt 5 ]; echo $?
$ [[ abc == a?c ]] && echo q; [[ abc == "a?c" ]] || echo literal
$ [[ -n $unset_var ]] || echo unset-empty
$ [[ x =~ ^[xy]$ ]] && echo re
$ printf '%s\n' "${PWD##*/}"
$ echo ~/.kube
$ cd /tmp && pwd && cd - >/dev/null && pwd
$ cd; pwd
$ mkdir -p d/e; cd d/e; pwd; cd ../..; pwd
$ read -r line <<< 'a\b c'; echo "$line"
$ read line <<< 'a\b c'; echo "$line"
$ printf 'x y z\n' | { read a b; echo "a=$a b=$b"; }
$ echo one two | { read first rest; echo "$rest"; }
$ IFS=, ; set -- $(echo "a,b,c"); echo $#; IFS=' '
$ x=$(printf 'no-newline'); echo "[$x]"
$ echo -e "a\nb" | while read l; do echo "line:$l"; done
$ seq 1 3 | tr '\n' ' '; echo
$ echo abc | sed 's/b/[&]/'
$ echo 'key=value' | cut -d= -f2
$ printf '%s\n' c a b | sort | tr '\n' ,; echo
$ echo "a b c" | awk '{print $NF, NF}'
$ type echo printf
$ f() { echo in-f; }; type -t f; unset -f f; type f
$ alias ll='ls -l'; alias ll; unalias ll
$ echo $(( 10 / 0 )) ; echo after
$ echo ${x:?}
$ a=(1 2 3)
$ echo done
"#,
        expect![[r#"
            $ x="a  b   c"; echo $x; echo "$x"
            a b c
            a  b   c
            $ x="  lead trail  "; for w in $x; do echo "[$w]"; done
            [lead]
            [trail]
            $ set -- "a b" c; echo "$@"; echo "$*"; echo $#; f() { echo $#; }; f "$@"; f $@; f "$*"
            a b c
            a b c
            2
            2
            3
            1
            $ empty=""; f() { echo $#; }; f $empty; f "$empty"; f $empty x
            0
            1
            1
            $ echo "${#}" "${1}" "${@:2}"
            2 a b c
            $ a=1; a+=2; echo $a
            12
            $ echo ${x:-"quoted default"} "${x:-also}"
            lead trail   lead trail  
            $ unset u; echo ${u:-$HOME} ${u:+alt} "${u-}"
            /home/learner 
            $ s="path/to/file.tar.gz"; echo ${s##*/} ${s%/*} ${s#*/} ${s%%/*} ${s/to/TO} ${s//t/T}
            file.tar.gz path/to to/file.tar.gz path path/TO/file.tar.gz paTh/To/file.Tar.gz
            $ v=abcdef; echo ${v:2} ${v:2:2} ${v: -3} ${v:1:-1} ${#v}
            cdef cd def bcde 6
            $ echo $((3 + 4 * 2)) $((-5 / 2)) $((7 % -3)) $((1 << 4)) $((0xff)) $((010)) $((2#101))
            11 -2 1 16 255 8 5
            $ x=5; ((x += 3)); echo $x; ((x++)); echo $x; echo $((x--)) $x
            8
            9
            9 8
            $ echo $(( 3 > 2 && 2 > 1 )) $(( 1 || 0 )) $(( !0 )) $(( ~0 ))
            1 1 1 -1
            $ case abc in a*) echo starts-a;; esac; case "x y" in "x y") echo quoted;; esac; case 5 in [0-9]) echo digit;; esac
            starts-a
            quoted
            digit
            $ case foo in bar|foo) echo alt;; *) echo default;; esac
            alt
            $ for x in 1 2 3; do echo -n "$x "; done; echo
            1 2 3 
            $ for f in; do echo never; done; echo empty-list
            empty-list
            $ i=0; while (( i < 3 )); do echo $i; ((i++)); done
            0
            1
            2
            $ f() { local x=1; g; echo "f:$x"; }; g() { x=2; }; x=0; f; echo "global:$x"
            f:2
            global:0
            $ f() { echo "args: $*"; shift; echo "after shift: $*"; }; f a b c
            args: a b c
            after shift: b c
            $ f() { return 7; }; f; echo $?
            7
            $ out=$(echo hi; echo there); echo "$out"
            hi
            there
            $ echo "$(echo "inner \"quoted\"")"
            inner "quoted"
            $ echo `echo \`echo deep\``
            deep
            $ echo $(echo a b) "$(echo a b)"
            a b a b
            $ cat <<EOF | tr a-z A-Z
            > piped $((1+1))
            > EOF
            PIPED 2
            $ cat <<"END"
            > $not expanded `nor this`
            > END
            $not expanded `nor this`
            $ x=1; cat <<EOF
            > \$x is $x and \\ stays
            > EOF
            $x is 1 and \ stays
            $ echo a; echo b >&2; echo c
            a
            b
            c
            $ { echo out; echo err >&2; } 2>/dev/null
            out
            $ { echo out; echo err >&2; } > /dev/null
            err
            $ echo hello > f1; cat f1 f1 > f2; wc -l < f2
            2
            $ echo first > f3; echo second >> f3; cat f3
            first
            second
            $ (echo sub; exit 3); echo "status $?"
            sub
            status 3
            $ false || { echo recovered; }
            recovered
            $ true && false || echo chain
            chain
            $ ! true; echo $?
            1
            $ echo $?; false; echo $?
            0
            1
            $ [ -n "$HOME" ] && [ -d "$HOME" ] && echo home-ok
            home-ok
            $ [ 1 -eq 1 -a 2 -eq 2 ] && echo both
            both
            $ [ "" ] || echo empty-false; [ x ] && echo x-true
            empty-false
            x-true
            $ test -z "" && echo z
            z
            $ [ 5 -gt 3 ]; echo $?; [ 3 -gt 5 ]; echo $?
            0
            1
            $ [[ abc == a?c ]] && echo q; [[ abc == "a?c" ]] || echo literal
            q
            literal
            $ [[ -n $unset_var ]] || echo unset-empty
            unset-empty
            $ [[ x =~ ^[xy]$ ]] && echo re
            re
            $ printf '%s\n' "${PWD##*/}"
            learner
            $ echo ~/.kube
            /home/learner/.kube
            $ cd /tmp && pwd && cd - >/dev/null && pwd
            /tmp
            /home/learner
            $ cd; pwd
            /home/learner
            $ mkdir -p d/e; cd d/e; pwd; cd ../..; pwd
            /home/learner/d/e
            /home/learner
            $ read -r line <<< 'a\b c'; echo "$line"
            a\b c
            $ read line <<< 'a\b c'; echo "$line"
            ab c
            $ printf 'x y z\n' | { read a b; echo "a=$a b=$b"; }
            a=x b=y z
            $ echo one two | { read first rest; echo "$rest"; }
            two
            $ IFS=, ; set -- $(echo "a,b,c"); echo $#; IFS=' '
            3
            $ x=$(printf 'no-newline'); echo "[$x]"
            [no-newline]
            $ echo -e "a\nb" | while read l; do echo "line:$l"; done
            line:a
            line:b
            $ seq 1 3 | tr '\n' ' '; echo
            1 2 3 
            $ echo abc | sed 's/b/[&]/'
            a[b]c
            $ echo 'key=value' | cut -d= -f2
            value
            $ printf '%s\n' c a b | sort | tr '\n' ,; echo
            a,b,c,
            $ echo "a b c" | awk '{print $NF, NF}'
            c 3
            $ type echo printf
            echo is a shell builtin
            printf is a shell builtin
            $ f() { echo in-f; }; type -t f; unset -f f; type f
            function
            bash: type: f: not found
            [exit 1]
            $ alias ll='ls -l'; alias ll; unalias ll
            alias ll='ls -l'
            $ echo $(( 10 / 0 )) ; echo after
            bash: 10 / 0 : division by 0 (error token is "0 ")
            [exit 1]
            $ echo ${x:?}
            no-newline
            $ a=(1 2 3)
            $ echo done
            done
        "#]],
    );
}

#[test]
fn brace_expansion() {
    check(
        r#"
$ echo {1..5} {a..c} {01..03} {5..1..2}
$ echo file{1,2}.txt pre-{x,y{1,2}}-post
$ mkdir -p app/{base,overlays/{dev,prod}}; ls app app/overlays
$ for i in {1..3}; do echo "pod-$i"; done
$ echo "{1..3}" '{a,b}' {single} {} a{b
$ x=1; echo {$x,2}
"#,
        // FIXME: bash prints `1 2` for `{$x,2}`: braces that span an expansion are not
        // expanded yet (only braces inside one piece of literal text are).
        expect![[r#"
            $ echo {1..5} {a..c} {01..03} {5..1..2}
            1 2 3 4 5 a b c 01 02 03 5 3 1
            $ echo file{1,2}.txt pre-{x,y{1,2}}-post
            file1.txt file2.txt pre-x-post pre-y1-post pre-y2-post
            $ mkdir -p app/{base,overlays/{dev,prod}}; ls app app/overlays
            app:
            base  overlays

            app/overlays:
            dev  prod
            $ for i in {1..3}; do echo "pod-$i"; done
            pod-1
            pod-2
            pod-3
            $ echo "{1..3}" '{a,b}' {single} {} a{b
            {1..3} {a,b} {single} {} a{b
            $ x=1; echo {$x,2}
            {1,2}
        "#]],
    );
}

#[test]
fn kubernetes_note_idioms() {
    check(
        r#"
$ cat <<EOF > pod.yaml
> apiVersion: v1
> kind: Pod
> metadata:
>   name: $USER-pod
> EOF
$ cat pod.yaml
$ upper <<EOF | grep KIND
> kind: Deployment
> EOF
$ echo "$(cat <<EOF
> inside substitution
> EOF
> )"
$ kubectl get pods -o jsonpath='{.items[*].metadata.name}'
$ kubectl get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP --no-headers
$ for ns in default kube-system; do kubectl get pods -n $ns; done
$ export KUBECONFIG=$HOME/.kube/config:$HOME/other; echo $KUBECONFIG
$ echo -n admin | base64; echo YWRtaW4= | base64 -d; echo
$ kubectl get pods --selector=app=web,tier!=db
$ k=kubectl; $k version --client
"#,
        expect![[r#"
            $ cat <<EOF > pod.yaml
            > apiVersion: v1
            > kind: Pod
            > metadata:
            >   name: $USER-pod
            > EOF
            $ cat pod.yaml
            apiVersion: v1
            kind: Pod
            metadata:
              name: learner-pod
            $ upper <<EOF | grep KIND
            > kind: Deployment
            > EOF
            KIND: DEPLOYMENT
            $ echo "$(cat <<EOF
            > inside substitution
            > EOF
            > )"
            inside substitution
            $ kubectl get pods -o jsonpath='{.items[*].metadata.name}'
            kubectl [get] [pods] [-o] [jsonpath={.items[*].metadata.name}]
            $ kubectl get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP --no-headers
            kubectl [get] [pods] [-o] [custom-columns=NAME:.metadata.name,IP:.status.podIP] [--no-headers]
            $ for ns in default kube-system; do kubectl get pods -n $ns; done
            kubectl [get] [pods] [-n] [default]
            kubectl [get] [pods] [-n] [kube-system]
            $ export KUBECONFIG=$HOME/.kube/config:$HOME/other; echo $KUBECONFIG
            /home/learner/.kube/config:/home/learner/other
            $ echo -n admin | base64; echo YWRtaW4= | base64 -d; echo
            YWRtaW4=
            admin
            $ kubectl get pods --selector=app=web,tier!=db
            kubectl [get] [pods] [--selector=app=web,tier!=db]
            $ k=kubectl; $k version --client
            kubectl [version] [--client]
        "#]],
    );
}

#[test]
fn arrays() {
    check(
        r#"
$ pods=(web-1 web-2 "db 1"); echo ${pods[0]} ${pods[2]} ${#pods[@]} $pods
$ for p in "${pods[@]}"; do echo "[$p]"; done
$ echo "${pods[*]}"; echo ${pods[-1]}
$ pods+=(cache); pods[5]=sparse; echo ${#pods[@]} "${pods[@]}"
$ unset 'pods[1]'; echo "${pods[@]}"
$ read -a words <<< "one two three"; echo ${words[1]} ${#words[@]}
$ nums=($(seq 3)); echo $(( ${nums[0]} + ${nums[2]} ))
$ echo "${pods[@]:1:2}"
$ x=scalar; x[1]=second; echo ${x[0]} ${x[1]}
$ empty=(); echo "${#empty[@]}"
$ (arr=(in subshell)); echo "[${arr[@]}]"
$ false | true | (exit 3); echo "${PIPESTATUS[@]}"; true; echo ${PIPESTATUS[0]}
$ whoami_fn() { echo "in $FUNCNAME"; }; whoami_fn; echo "[$FUNCNAME]"
"#,
        expect![[r#"
            $ pods=(web-1 web-2 "db 1"); echo ${pods[0]} ${pods[2]} ${#pods[@]} $pods
            web-1 db 1 3 web-1
            $ for p in "${pods[@]}"; do echo "[$p]"; done
            [web-1]
            [web-2]
            [db 1]
            $ echo "${pods[*]}"; echo ${pods[-1]}
            web-1 web-2 db 1
            db 1
            $ pods+=(cache); pods[5]=sparse; echo ${#pods[@]} "${pods[@]}"
            5 web-1 web-2 db 1 cache sparse
            $ unset 'pods[1]'; echo "${pods[@]}"
            web-1 db 1 cache sparse
            $ read -a words <<< "one two three"; echo ${words[1]} ${#words[@]}
            two 3
            $ nums=($(seq 3)); echo $(( ${nums[0]} + ${nums[2]} ))
            4
            $ echo "${pods[@]:1:2}"
            db 1 cache
            $ x=scalar; x[1]=second; echo ${x[0]} ${x[1]}
            scalar second
            $ empty=(); echo "${#empty[@]}"
            0
            $ (arr=(in subshell)); echo "[${arr[@]}]"
            []
            $ false | true | (exit 3); echo "${PIPESTATUS[@]}"; true; echo ${PIPESTATUS[0]}
            1 0 3
            0
            $ whoami_fn() { echo "in $FUNCNAME"; }; whoami_fn; echo "[$FUNCNAME]"
            in whoami_fn
            []
        "#]],
    );
}

#[test]
fn shell_options() {
    check(
        r#"
$ false | true; echo $?
$ set -o pipefail; false | true; echo $?; true | true; echo $?; set +o pipefail
$ set -euo pipefail; echo $-; echo ${NOPE:-default}
$ echo $NOPE
$ set +eu; echo "[$NOPE]" $-
"#,
        expect![[r#"
            $ false | true; echo $?
            0
            $ set -o pipefail; false | true; echo $?; true | true; echo $?; set +o pipefail
            1
            0
            $ set -euo pipefail; echo $-; echo ${NOPE:-default}
            ehuB
            default
            $ echo $NOPE
            bash: NOPE: unbound variable
            [exit 1]
            $ set +eu; echo "[$NOPE]" $-
            [] hB
        "#]],
    );
}

#[test]
fn errors_inside_scripts_name_the_script_and_line() {
    check(
        r#"
$ printf 'echo start\nnosuch --flag\ncd /nowhere\necho "line $LINENO"\nif true; then\n  fi\n' > broken.sh
$ bash broken.sh
$ chmod +x broken.sh; ./broken.sh
$ source broken.sh
$ bash -c 'nosuch'
$ nosuch
"#,
        expect![[r#"
            $ printf 'echo start\nnosuch --flag\ncd /nowhere\necho "line $LINENO"\nif true; then\n  fi\n' > broken.sh
            $ bash broken.sh
            start
            broken.sh: line 2: nosuch: command not found
            broken.sh: line 3: cd: /nowhere: No such file or directory
            line 4
            broken.sh: line 6: syntax error near unexpected token `fi'
            broken.sh: line 6: `  fi'
            [exit 2]
            $ chmod +x broken.sh; ./broken.sh
            start
            ./broken.sh: line 2: nosuch: command not found
            ./broken.sh: line 3: cd: /nowhere: No such file or directory
            line 4
            ./broken.sh: line 6: syntax error near unexpected token `fi'
            ./broken.sh: line 6: `  fi'
            [exit 2]
            $ source broken.sh
            start
            broken.sh: line 2: nosuch: command not found
            broken.sh: line 3: cd: /nowhere: No such file or directory
            line 4
            broken.sh: line 6: syntax error near unexpected token `fi'
            broken.sh: line 6: `  fi'
            [exit 2]
            $ bash -c 'nosuch'
            bash: line 1: nosuch: command not found
            [exit 127]
            $ nosuch
            bash: nosuch: command not found
            [exit 127]
        "#]],
    );
}

#[test]
fn resource_limits() {
    check(
        r#"
$ echo 0123456789abcdef > f; for i in $(seq 19); do cat f f > g && mv g f; done; ls -l f | cut -d' ' -f5
$ for i in 1 2 3 4 5 6 7 8; do cp f f$i; done
$ echo more >> f
$ rm f f?; echo ok > small; cat small
$ x=$(printf '%065536d' 0); y=${x//0/$x}; echo ${#y}
$ awk 'BEGIN { while (1) n++ }'
$ seq 1 100000 | tr -d '\001-\uffff' | wc -c
"#,
        expect![[r#"
            $ echo 0123456789abcdef > f; for i in $(seq 19); do cat f f > g && mv g f; done; ls -l f | cut -d' ' -f5
            8912896
            $ for i in 1 2 3 4 5 6 7 8; do cp f f$i; done
            cp: cannot create regular file 'f7': No space left on device
            cp: cannot create regular file 'f8': No space left on device
            [exit 1]
            $ echo more >> f
            $ rm f f?; echo ok > small; cat small
            ok
            $ x=$(printf '%065536d' 0); y=${x//0/$x}; echo ${#y}
            bash: pattern matching gave up: the value is too long for this pattern
            [exit 1]
            $ awk 'BEGIN { while (1) n++ }'
            awk: cmd. line:1: fatal: step budget exceeded (2000000 steps)
            [exit 2]
            $ seq 1 100000 | tr -d '\001-\uffff' | wc -c
            0
        "#]],
    );
}

/// Script idioms compared with GNU bash 5 (only `$0` differs: bash names the script).
#[test]
fn bash_script_idioms() {
    check(
        r#"
$ printf 'kind: Pod\nmetadata:\n  name: web\n' > pod.yaml; printf 'apiVersion: v1\n' > bad.yaml
$ cat > verify.sh <<'EOF'
> #!/bin/bash
> set -e
> count=$(echo "a b c" | wc -w)
> if [ "$count" -ne 3 ]; then
>   echo "expected 3, got $count" >&2
>   exit 1
> fi
> for f in *.yaml; do
>   [ -e "$f" ] || continue
>   grep -q "kind:" "$f" || { echo "$f has no kind"; continue; }
>   name=$(awk '/name:/ {print $2}' "$f")
>   echo "$f -> ${name:-unnamed}"
> done
> echo OK
> EOF
$ bash verify.sh; echo "status=$?"
$ usage() { echo "usage: $0 <name>" >&2; return 2; }; check() { [ $# -eq 1 ] || { usage; return; }; echo "checking $1"; }; check; echo $?; check web
$ greet() { local name=${1:-world} greeting="Hello"; printf '%s, %s!\n' "$greeting" "$name"; }; greet; greet Kube
$ i=0; while :; do i=$((i+1)); if (( i % 2 == 0 )); then continue; fi; (( i > 7 )) && break; echo -n "$i "; done; echo
$ s=""; for w in alpha beta gamma; do s+="${w:0:1}"; done; echo $s
$ case "$(uname)" in Linux*) echo linux;; Darwin*) echo mac;; esac
$ x=10; y=3; echo "$((x / y)) remainder $((x % y))"; echo "$(( x > y ? x : y )) is bigger"
$ str="Hello World"; echo ${str,,} ${str^^} ${str// /_} ${#str}
$ path=/a/b/c.tar.gz; file=${path##*/}; echo "${file%%.*}" "${file#*.}" "${path%/*}"
$ arr=(one two three); echo "${#arr[@]} ${arr[1]} ${arr[@]: -1}"
$ echo "$(( $(echo 3) + $(echo 4) ))"
$ words="a,b,,c"; IFS=, read -r -a parts <<< "$words"; echo "${#parts[@]}"; IFS=' '
$ printf '%-10s|%3d\n' name 5 longername 42
$ printf '%s\n' one two | while IFS= read -r line; do echo "[$line]"; done
$ echo "a b" | { read -r x y; echo "$y $x"; }
$ test -d /tmp && test ! -f /tmp && echo "tmp is a dir"
$ [[ "v1.2.3" =~ ^v([0-9]+)\.([0-9]+) ]] && echo matched
$ ls *.yaml | sort -r | head -1; ls | cat; ls
$ cat pod.yaml | grep -c ''
$ sed -n '/metadata/,$p' pod.yaml
$ awk -F': ' 'NF==2 {printf "%s=%s\n", $1, $2}' pod.yaml
$ echo "$(cat pod.yaml | wc -l) lines"
$ tail -n +2 pod.yaml | head -1 | tr -d ' '
$ true; false; echo $? ; ! false; echo $?
$ printf -v padded '%05d' 42; echo "$padded"; echo ${BASH_VERSION%%.*}
"#,
        expect![[r#"
            $ printf 'kind: Pod\nmetadata:\n  name: web\n' > pod.yaml; printf 'apiVersion: v1\n' > bad.yaml
            $ cat > verify.sh <<'EOF'
            > #!/bin/bash
            > set -e
            > count=$(echo "a b c" | wc -w)
            > if [ "$count" -ne 3 ]; then
            >   echo "expected 3, got $count" >&2
            >   exit 1
            > fi
            > for f in *.yaml; do
            >   [ -e "$f" ] || continue
            >   grep -q "kind:" "$f" || { echo "$f has no kind"; continue; }
            >   name=$(awk '/name:/ {print $2}' "$f")
            >   echo "$f -> ${name:-unnamed}"
            > done
            > echo OK
            > EOF
            $ bash verify.sh; echo "status=$?"
            bad.yaml has no kind
            pod.yaml -> web
            OK
            status=0
            $ usage() { echo "usage: $0 <name>" >&2; return 2; }; check() { [ $# -eq 1 ] || { usage; return; }; echo "checking $1"; }; check; echo $?; check web
            usage: bash <name>
            2
            checking web
            $ greet() { local name=${1:-world} greeting="Hello"; printf '%s, %s!\n' "$greeting" "$name"; }; greet; greet Kube
            Hello, world!
            Hello, Kube!
            $ i=0; while :; do i=$((i+1)); if (( i % 2 == 0 )); then continue; fi; (( i > 7 )) && break; echo -n "$i "; done; echo
            1 3 5 7 
            $ s=""; for w in alpha beta gamma; do s+="${w:0:1}"; done; echo $s
            abg
            $ case "$(uname)" in Linux*) echo linux;; Darwin*) echo mac;; esac
            linux
            $ x=10; y=3; echo "$((x / y)) remainder $((x % y))"; echo "$(( x > y ? x : y )) is bigger"
            3 remainder 1
            10 is bigger
            $ str="Hello World"; echo ${str,,} ${str^^} ${str// /_} ${#str}
            hello world HELLO WORLD Hello_World 11
            $ path=/a/b/c.tar.gz; file=${path##*/}; echo "${file%%.*}" "${file#*.}" "${path%/*}"
            c tar.gz /a/b
            $ arr=(one two three); echo "${#arr[@]} ${arr[1]} ${arr[@]: -1}"
            3 two three
            $ echo "$(( $(echo 3) + $(echo 4) ))"
            7
            $ words="a,b,,c"; IFS=, read -r -a parts <<< "$words"; echo "${#parts[@]}"; IFS=' '
            4
            $ printf '%-10s|%3d\n' name 5 longername 42
            name      |  5
            longername| 42
            $ printf '%s\n' one two | while IFS= read -r line; do echo "[$line]"; done
            [one]
            [two]
            $ echo "a b" | { read -r x y; echo "$y $x"; }
            b a
            $ test -d /tmp && test ! -f /tmp && echo "tmp is a dir"
            tmp is a dir
            $ [[ "v1.2.3" =~ ^v([0-9]+)\.([0-9]+) ]] && echo matched
            matched
            $ ls *.yaml | sort -r | head -1; ls | cat; ls
            pod.yaml
            bad.yaml
            pod.yaml
            verify.sh
            bad.yaml  pod.yaml  verify.sh
            $ cat pod.yaml | grep -c ''
            3
            $ sed -n '/metadata/,$p' pod.yaml
            metadata:
              name: web
            $ awk -F': ' 'NF==2 {printf "%s=%s\n", $1, $2}' pod.yaml
            kind=Pod
              name=web
            $ echo "$(cat pod.yaml | wc -l) lines"
            3 lines
            $ tail -n +2 pod.yaml | head -1 | tr -d ' '
            metadata:
            $ true; false; echo $? ; ! false; echo $?
            1
            0
            $ printf -v padded '%05d' 42; echo "$padded"; echo ${BASH_VERSION%%.*}
            00042
            5
        "#]],
    );
}
